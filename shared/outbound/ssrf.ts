/**
 * Refuses to send to private targets (SSRF). An endpoint URL is checked when it is registered
 * and again at every attempt: an IP-literal host by its address, a host name by every address
 * it resolves to, inside the connection's own DNS lookup, so the socket connects to exactly the
 * addresses that were checked (no window for DNS rebinding between check and connect).
 *
 * Address classes are ipaddr.js's range names; only `unicast` is public. Forms that embed an
 * IPv4 address (IPv4-mapped, IPv4-translated, the NAT64 well-known prefix, 6to4) are classified
 * by the embedded address; Teredo and local-use NAT64 prefixes are refused outright, and so is
 * IPv6 outside global unicast (2000::/3), such as the deprecated IPv4-compatible `::a.b.c.d`.
 */
import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ValidationError } from '../errors';

/* Both errors are ValidationErrors: registering such an endpoint is a 400. */

/** The target resolves to, or is, an address that is not public. The message names its class only. */
export class TargetNotAllowedError extends ValidationError {
  override readonly name = 'TargetNotAllowedError';
  constructor(readonly addressClass: string) {
    super(`target not allowed: ${addressClass} address`, 'target_not_allowed');
  }
}

/** The endpoint URL is not one we send to (scheme, credentials, no host). Never echoes the URL. */
export class InvalidTargetUrlError extends ValidationError {
  override readonly name = 'InvalidTargetUrlError';
  constructor(readonly reason: string) {
    super(`url: ${reason}`, 'invalid_target_url');
  }
}

/** `dns.promises.lookup` with `{ all: true }`, or a stand-in for it. */
export type LookupAll = (hostname: string, options: { all: true }) => Promise<LookupAddress[]>;

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const IPV4_COMPATIBLE = /^::\d+\.\d+\.\d+\.\d+(%.*)?$/;

/**
 * The class of an IP address: `'unicast'` when it is public, else its ipaddr.js range name
 * (`loopback`, `private`, `linkLocal`, `carrierGradeNat`, `uniqueLocal`, `reserved`, …), and
 * `'invalid'` for a string that is not an IP address in canonical text form. Never throws.
 *
 * @example
 * classifyAddress('93.184.216.34');          // 'unicast'
 * classifyAddress('169.254.169.254');        // 'linkLocal'
 * classifyAddress('::ffff:10.0.0.1');        // 'private' (the embedded IPv4 address)
 * classifyAddress('0177.0.0.1');             // 'invalid' (not canonical: ambiguous between stacks)
 */
export function classifyAddress(address: string): string {
  // net.isIP accepts only canonical text (no `127.1`, octal or hex parts) where ipaddr.js is lenient.
  if (!isIP(address)) return 'invalid';
  // ipaddr.js reads the deprecated IPv4-compatible `::a.b.c.d` as IPv4-mapped `::ffff:a.b.c.d`.
  // It is neither: like its hex spelling `::7f00:1`, it lies outside global unicast.
  if (IPV4_COMPATIBLE.test(address)) return 'reserved';
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return 'invalid';
  }
  return parsed instanceof ipaddr.IPv6 ? classifyIPv6(parsed) : parsed.range();
}

function classifyIPv6(address: ipaddr.IPv6): string {
  const range = address.range();
  const embedded = embeddedIPv4(address, range);
  if (embedded) return embedded.range();
  if (range === 'unicast' && !address.match(GLOBAL_UNICAST_V6)) return 'reserved';
  return range;
}

/** The IPv4 address inside an IPv6 address of a translating range, when it has one. */
function embeddedIPv4(address: ipaddr.IPv6, range: string): ipaddr.IPv4 | undefined {
  const [, w1 = 0, w2 = 0, , , , w6 = 0, w7 = 0] = address.parts;
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
      return address.toIPv4Address();
    case 'rfc6145': // ::ffff:0:a.b.c.d
      return fromWords(w6, w7);
    case 'rfc6052': // 64:ff9b::a.b.c.d; the local-use 64:ff9b:1::/48 embeds where its operator chose
      return address.match(NAT64_WELL_KNOWN) ? fromWords(w6, w7) : undefined;
    case '6to4': // 2002:aabb:ccdd::/48
      return fromWords(w1, w2);
    default:
      return undefined;
  }
}

function fromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * Throws `TargetNotAllowedError` unless `address` is public.
 *
 * @example
 * assertPublicAddress('2606:4700:4700::1111'); // passes
 * assertPublicAddress('fd00:ec2::254');        // throws TargetNotAllowedError('uniqueLocal')
 */
export function assertPublicAddress(address: string): void {
  const addressClass = classifyAddress(address);
  if (addressClass !== 'unicast') throw new TargetNotAllowedError(addressClass);
}

/**
 * Parses an endpoint URL and refuses what we do not send to: schemes other than `https:` (and
 * `http:` unless `requireHttps`), credentials in the URL, and, unless `allowPrivate`, an IP
 * literal or `localhost` host that is not public. WHATWG URL parsing has already turned
 * `http://2130706433/`, `http://0x7f.1/` and `http://0177.0.0.1/` into `127.0.0.1`. Host names
 * are checked when they are resolved (`resolvePublicAddresses`, `createGuardedLookup`).
 *
 * @example
 * validateTargetUrl('https://hooks.example.com/in', { allowPrivate: false, requireHttps: true }); // URL
 * validateTargetUrl('http://[::1]/in', { allowPrivate: false, requireHttps: false });            // throws TargetNotAllowedError('loopback')
 */
export function validateTargetUrl(url: string, options: { allowPrivate: boolean; requireHttps: boolean }): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidTargetUrlError('not an absolute URL');
  }
  if (parsed.protocol !== 'https:' && (options.requireHttps || parsed.protocol !== 'http:')) {
    throw new InvalidTargetUrlError(options.requireHttps ? 'the scheme must be https' : 'the scheme must be https or http');
  }
  if (parsed.username || parsed.password) throw new InvalidTargetUrlError('credentials in the URL are not allowed');
  if (!parsed.hostname) throw new InvalidTargetUrlError('a host is required');
  if (!options.allowPrivate) {
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host)) assertPublicAddress(host);
    else if (/(^|\.)localhost\.?$/.test(host)) throw new TargetNotAllowedError('loopback');
  }
  return parsed;
}

/**
 * Resolves every address of `hostname` and refuses the host if any one is not public: a name
 * that answers both a public and a private address is refused. DNS errors (`ENOTFOUND`, …)
 * propagate as they are.
 *
 * @example
 * await resolvePublicAddresses('hooks.example.com'); // [{ address: '93.184.216.34', family: 4 }]
 * await resolvePublicAddresses('localhost');         // throws TargetNotAllowedError('loopback')
 */
export async function resolvePublicAddresses(hostname: string, lookup: LookupAll = dns.lookup): Promise<LookupAddress[]> {
  const addresses = await lookupAll(hostname, lookup);
  for (const { address } of addresses) assertPublicAddress(address);
  return addresses;
}

/**
 * A `net.LookupFunction` for undici's `connect.lookup`: resolves the host, refuses it (unless
 * `allowPrivate`) when any address is not public, and hands the checked addresses to the
 * socket, which connects to one of them. Node calls it only for host names, never for IP
 * literals, so check those with `validateTargetUrl` first.
 *
 * @example
 * new Agent({ connect: { lookup: createGuardedLookup({ allowPrivate: false }) } });
 */
export function createGuardedLookup(options: { allowPrivate: boolean; lookup?: LookupAll }): LookupFunction {
  const lookup = options.lookup ?? dns.lookup;
  return (hostname, lookupOptions, callback) => {
    const resolved = options.allowPrivate ? lookupAll(hostname, lookup) : resolvePublicAddresses(hostname, lookup);
    resolved.then(
      (addresses) => {
        const family = familyNumber(lookupOptions.family);
        const usable = family ? addresses.filter((answer) => answer.family === family) : addresses;
        const first = usable[0];
        if (!first) callback(notFound(hostname), '', 0);
        else if (lookupOptions.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

async function lookupAll(hostname: string, lookup: LookupAll): Promise<LookupAddress[]> {
  const addresses = await lookup(hostname, { all: true });
  if (addresses.length === 0) throw notFound(hostname);
  return addresses;
}

function familyNumber(family: number | string | undefined): 4 | 6 | undefined {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return undefined;
}

/** The error `dns.lookup` gives for a name without addresses. */
function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname });
}
