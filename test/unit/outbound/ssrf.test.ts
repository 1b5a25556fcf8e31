// Nothing here opens a socket or sends a DNS query: every lookup is an injected fake.
import type { LookupAddress, LookupOptions } from 'node:dns';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../../shared/errors';
import { statusFor } from '../../../shared/http/responses';
import {
  InvalidTargetUrlError,
  TargetNotAllowedError,
  assertPublicAddress,
  classifyAddress,
  createGuardedLookup,
  resolvePublicAddresses,
  validateTargetUrl,
  type LookupAll,
} from '../../../shared/outbound/ssrf';

const strict = { allowPrivate: false, requireHttps: false };

function fakeLookup(answers: Record<string, Array<{ address: string; family: 4 | 6 }>>): LookupAll & ReturnType<typeof vi.fn> {
  return vi.fn(async (hostname: string) => {
    const found = answers[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  });
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('address classes', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.5.5.5', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['169.254.170.2', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['fd00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'uniqueLocal'], // the EC2 instance metadata service over IPv6
    ['fc00::1', 'uniqueLocal'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['100::1', 'discard'],
  ])('refuses %s as %s', (address, addressClass) => {
    expect(classifyAddress(address)).toBe(addressClass);
    const error = thrown(() => assertPublicAddress(address));
    expect(error).toBeInstanceOf(TargetNotAllowedError);
    expect(error).toMatchObject({ code: 'target_not_allowed', addressClass, message: `target not allowed: ${addressClass} address` });
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:0:10.0.0.1', 'private'], // IPv4-translated (RFC 6145)
    ['64:ff9b::10.0.0.1', 'private'], // NAT64 well-known prefix
    ['64:ff9b::a9fe:a9fe', 'linkLocal'],
    ['2002:a9fe:a9fe::1', 'linkLocal'], // 6to4
    ['2002:7f00:1::', 'loopback'],
  ])('classifies %s by its embedded IPv4 address (%s)', (address, addressClass) => {
    expect(classifyAddress(address)).toBe(addressClass);
    expect(() => assertPublicAddress(address)).toThrow(TargetNotAllowedError);
  });

  it.each([
    ['2001::a9fe:a9fe', 'teredo'],
    ['64:ff9b:1::a00:1', 'rfc6052'], // local-use NAT64: where the IPv4 address sits is the operator's choice
    ['::127.0.0.1', 'reserved'], // deprecated IPv4-compatible form, outside global unicast
    ['::7f00:1', 'reserved'], // the same, in hex
    ['::93.184.216.34', 'reserved'], // ipaddr.js alone would read this as IPv4-mapped, hence public
    ['4000::1', 'reserved'],
  ])('refuses %s (%s), whose IPv4 address cannot be told or which is not global unicast', (address, addressClass) => {
    expect(classifyAddress(address)).toBe(addressClass);
    expect(() => assertPublicAddress(address)).toThrow(TargetNotAllowedError);
  });

  it.each([
    '93.184.216.34',
    '1.1.1.1',
    '8.8.8.8',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:93.184.216.34',
    '64:ff9b::5db8:d822',
    '2002:5db8:d822::1',
  ])('accepts the public address %s', (address) => {
    expect(classifyAddress(address)).toBe('unicast');
    expect(() => assertPublicAddress(address)).not.toThrow();
  });

  it.each(['', 'example.com', '127.1', '0177.0.0.1', '0x7f.0.0.1', '2130706433', '[::1]', '1.2.3.4.5', ' 127.0.0.1', '::ffff:127.0.0.1/96'])(
    'calls %j invalid, not an address, and refuses it',
    (input) => {
      expect(classifyAddress(input)).toBe('invalid');
      expect(() => assertPublicAddress(input)).toThrow(TargetNotAllowedError);
    },
  );

  it('classifies an IPv4-mapped address exactly as its IPv4 address (property)', () => {
    fc.assert(fc.property(fc.ipV4(), (ipv4) => classifyAddress(`::ffff:${ipv4}`) === classifyAddress(ipv4)));
  });

  it('never throws, whatever the string (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.ipV4(), fc.ipV4Extended(), fc.ipV6()), (input) => {
        expect(typeof classifyAddress(input)).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('target URLs', () => {
  it('accept https, and http unless https is required', () => {
    const url = validateTargetUrl('https://hooks.example.com/in?tenant=a', { allowPrivate: false, requireHttps: true });
    expect(url).toBeInstanceOf(URL);
    expect(url.href).toBe('https://hooks.example.com/in?tenant=a');
    expect(validateTargetUrl('http://hooks.example.com/in', strict).protocol).toBe('http:');
    expect(thrown(() => validateTargetUrl('http://hooks.example.com/in', { allowPrivate: false, requireHttps: true }))).toBeInstanceOf(InvalidTargetUrlError);
  });

  it.each([
    'ftp://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'gopher://example.com/',
    'ws://example.com/',
    'data:text/plain,x',
    'not a url',
    '/relative/path',
    '',
  ])('refuses %j', (url) => {
    const error = thrown(() => validateTargetUrl(url, { allowPrivate: true, requireHttps: false }));
    expect(error).toBeInstanceOf(InvalidTargetUrlError);
    expect(error).toMatchObject({ code: 'invalid_target_url' });
  });

  it('refuses credentials in the URL without repeating them', () => {
    for (const url of ['https://user:s3cr3t@example.com/', 'https://user@example.com/', 'https://:s3cr3t@example.com/']) {
      const error = thrown(() => validateTargetUrl(url, { allowPrivate: true, requireHttps: true }));
      expect(error, url).toBeInstanceOf(InvalidTargetUrlError);
      expect((error as Error).message).not.toContain('s3cr3t');
      expect((error as Error).message).not.toContain('user');
    }
  });

  it('relies on WHATWG URL parsing to normalise decimal, hex and octal IPv4 hosts to dotted quads', () => {
    for (const url of [
      'http://2130706433/',
      'http://0x7f000001/',
      'http://0x7f.1/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://127.0.0.1./',
      'http://%31%32%37.0.0.1/',
    ]) {
      expect(new URL(url).hostname, url).toBe('127.0.0.1');
    }
    expect(new URL('http://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
  });

  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.0.0.1:8080/hook', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://127.0.0.1./', 'loopback'],
    ['http://localhost:3000/', 'loopback'],
    ['http://LOCALHOST./', 'loopback'],
    ['http://hooks.localhost/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'uniqueLocal'],
    ['https://10.1.2.3/hook', 'private'],
    ['https://172.16.0.9/hook', 'private'],
    ['https://192.168.1.1/hook', 'private'],
    ['https://100.64.1.1/hook', 'carrierGradeNat'],
    ['https://224.0.0.1/hook', 'multicast'],
    ['https://240.0.0.1/hook', 'reserved'],
    ['https://0.0.0.0/hook', 'unspecified'],
    ['https://0/hook', 'unspecified'],
    ['https://255.255.255.255/hook', 'broadcast'],
    ['https://[fe80::1]/hook', 'linkLocal'],
    ['https://[64:ff9b::a9fe:a9fe]/hook', 'linkLocal'],
  ])('refuses the private IP-literal host of %s (%s)', (url, addressClass) => {
    const error = thrown(() => validateTargetUrl(url, strict));
    expect(error).toBeInstanceOf(TargetNotAllowedError);
    expect(error).toMatchObject({ addressClass });
  });

  it('allows private hosts when private targets are allowed (the local runtime)', () => {
    const options = { allowPrivate: true, requireHttps: false };
    expect(validateTargetUrl('http://127.0.0.1:4000/hook', options).host).toBe('127.0.0.1:4000');
    expect(validateTargetUrl('http://[::1]:4000/hook', options).hostname).toBe('[::1]');
    expect(validateTargetUrl('http://localhost:4000/hook', options).hostname).toBe('localhost');
  });

  it('leaves host names to the resolver', () => {
    expect(validateTargetUrl('https://internal.example.com/', strict).hostname).toBe('internal.example.com');
  });

  it('errors are 400s with the JSON error body, not 500s', () => {
    const refused = thrown(() => validateTargetUrl('https://10.0.0.1/', strict));
    const invalid = thrown(() => validateTargetUrl('ftp://example.com/', strict));
    for (const error of [refused, invalid]) {
      expect(error).toBeInstanceOf(ValidationError);
      expect(statusFor(error)).toBe(400);
    }
    expect((refused as Error).name).toBe('TargetNotAllowedError');
    expect((invalid as Error).name).toBe('InvalidTargetUrlError');
  });

  it('throws nothing but the typed errors, whatever the string (property)', () => {
    const hostish = fc.oneof(
      fc.domain(),
      fc.ipV4(),
      fc.ipV4Extended(),
      fc.ipV6().map((ip) => `[${ip}]`),
      fc.string(),
    );
    const urlish = fc.oneof(
      fc.string(),
      fc.webUrl(),
      fc
        .tuple(fc.constantFrom('http://', 'https://', 'ftp://', 'http://user@'), hostish, fc.constantFrom('', '/', ':8080/x', '?a=b'))
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(urlish, fc.boolean(), fc.boolean(), (url, allowPrivate, requireHttps) => {
        try {
          const parsed = validateTargetUrl(url, { allowPrivate, requireHttps });
          expect(['https:', 'http:']).toContain(parsed.protocol);
        } catch (error) {
          expect(error instanceof InvalidTargetUrlError || error instanceof TargetNotAllowedError).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never accepts a non-public IP-literal host, however the address is written (property)', () => {
    const ipv4Host = fc.oneof(fc.ipV4(), fc.ipV4Extended());
    fc.assert(
      fc.property(ipv4Host, (host) => {
        let parsed: URL;
        try {
          parsed = validateTargetUrl(`http://${host}/`, strict);
        } catch (error) {
          expect(error instanceof InvalidTargetUrlError || error instanceof TargetNotAllowedError).toBe(true);
          return;
        }
        expect(classifyAddress(parsed.hostname)).toBe('unicast');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('resolving host names', () => {
  it('returns every address of a public host, asking for all of them', async () => {
    const lookup = fakeLookup({
      'hooks.example.com': [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
    });
    await expect(resolvePublicAddresses('hooks.example.com', lookup)).resolves.toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    expect(lookup).toHaveBeenCalledWith('hooks.example.com', { all: true });
  });

  it('refuses a host that resolves to a private address', async () => {
    const lookup = fakeLookup({ 'metadata.attacker.test': [{ address: '169.254.169.254', family: 4 }] });
    await expect(resolvePublicAddresses('metadata.attacker.test', lookup)).rejects.toMatchObject({ name: 'TargetNotAllowedError', addressClass: 'linkLocal' });
  });

  it('refuses a host that mixes public and private answers', async () => {
    const lookup = fakeLookup({
      'mixed.attacker.test': [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ],
      'mixed-v6.attacker.test': [
        { address: '93.184.216.34', family: 4 },
        { address: '::1', family: 6 },
      ],
    });
    await expect(resolvePublicAddresses('mixed.attacker.test', lookup)).rejects.toBeInstanceOf(TargetNotAllowedError);
    await expect(resolvePublicAddresses('mixed-v6.attacker.test', lookup)).rejects.toMatchObject({ addressClass: 'loopback' });
  });

  it('passes DNS errors through, and treats an empty answer as not found', async () => {
    await expect(resolvePublicAddresses('nowhere.test', fakeLookup({}))).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolvePublicAddresses('empty.test', fakeLookup({ 'empty.test': [] }))).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('the guarded lookup used by the connection', () => {
  type Answer = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number | undefined };
  function call(lookupFn: ReturnType<typeof createGuardedLookup>, hostname: string, options: LookupOptions): Promise<Answer> {
    return new Promise((resolve) => lookupFn(hostname, options, (error, address, family) => resolve({ error, address, family })));
  }
  const answers = {
    'public.test': [
      { address: '93.184.216.34', family: 4 as const },
      { address: '2606:2800:220:1::1', family: 6 as const },
    ],
    'private.test': [{ address: '10.0.0.7', family: 4 as const }],
    'v4-only.test': [{ address: '93.184.216.34', family: 4 as const }],
    'rebinding.test': [
      { address: '93.184.216.34', family: 4 as const },
      { address: '127.0.0.1', family: 4 as const },
    ],
  };

  it('hands every checked address to a socket that asks for all (autoSelectFamily)', async () => {
    const guarded = createGuardedLookup({ allowPrivate: false, lookup: fakeLookup(answers) });
    await expect(call(guarded, 'public.test', { all: true })).resolves.toEqual({ error: null, address: answers['public.test'], family: undefined });
  });

  it('hands the first checked address of the family asked for to a socket that asks for one', async () => {
    const guarded = createGuardedLookup({ allowPrivate: false, lookup: fakeLookup(answers) });
    await expect(call(guarded, 'public.test', {})).resolves.toEqual({ error: null, address: '93.184.216.34', family: 4 });
    await expect(call(guarded, 'public.test', { family: 6 })).resolves.toEqual({ error: null, address: '2606:2800:220:1::1', family: 6 });
    await expect(call(guarded, 'v4-only.test', { family: 6, all: false })).resolves.toMatchObject({ error: { code: 'ENOTFOUND' } });
  });

  it('fails the connection with TargetNotAllowedError when any address is private', async () => {
    const guarded = createGuardedLookup({ allowPrivate: false, lookup: fakeLookup(answers) });
    for (const hostname of ['private.test', 'rebinding.test']) {
      const { error } = await call(guarded, hostname, { all: true });
      expect(error, hostname).toBeInstanceOf(TargetNotAllowedError);
    }
  });

  it('resolves without refusing when private targets are allowed', async () => {
    const guarded = createGuardedLookup({ allowPrivate: true, lookup: fakeLookup(answers) });
    await expect(call(guarded, 'private.test', { all: true })).resolves.toEqual({ error: null, address: answers['private.test'], family: undefined });
    await expect(call(guarded, 'rebinding.test', {})).resolves.toEqual({ error: null, address: '93.184.216.34', family: 4 });
  });

  it('passes DNS errors to the connection', async () => {
    const guarded = createGuardedLookup({ allowPrivate: false, lookup: fakeLookup({}) });
    await expect(call(guarded, 'nowhere.test', { all: true })).resolves.toMatchObject({ error: { code: 'ENOTFOUND' } });
  });

  it('resolves afresh for every connection (no cached answer to rebind around)', async () => {
    const lookup = fakeLookup(answers);
    const guarded = createGuardedLookup({ allowPrivate: false, lookup });
    await call(guarded, 'public.test', { all: true });
    await call(guarded, 'public.test', { all: true });
    expect(lookup).toHaveBeenCalledTimes(2);
  });
});
