import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from '../../../shared/config/load';
import { MODULE_PROVIDERS, PRESET_PROVIDERS } from '../../../shared/config/schema';

const shipped = JSON.parse(readFileSync('webhooks.config.json', 'utf8')) as { sources: Array<Record<string, unknown>> };

describe('configuration schema', () => {
  it('accepts the shipped file, with one source per supported provider plus the hmac example', () => {
    const config = loadConfigFile('webhooks.config.json');
    const providers = [...MODULE_PROVIDERS, ...PRESET_PROVIDERS, 'hmac'];
    // One source per provider, named after it.
    expect(config.sources.map((s) => `${s.name}:${s.provider}`).sort()).toEqual(providers.map((p) => `${p}:${p}`).sort());
    expect(config.sources.slice(0, 8).map((s) => s.name)).toEqual(['stripe', 'github', 'shopify', 'slack', 'standard', 'twilio', 'square', 'gitlab']);
    expect(config.sources.every((s) => s.toleranceSeconds === 300)).toBe(true);
    expect(config.inbound.maxBodyBytes).toBe(4 * 1024 * 1024);
  });

  it('refuses unknown keys, naming the source', () => {
    const document = { ...shipped, sources: shipped.sources.map((s) => (s.name === 'github' ? { ...s, secret: 'inline!' } : s)) };
    expect(() => parseConfig(document)).toThrow(/sources\[1\] \("github"\).*secret/s);
    expect(() => parseConfig({ ...shipped, typo: 1 })).toThrow(ConfigError);
  });

  it('refuses duplicate names, bad names, bad CIDRs and out-of-range tolerances', () => {
    expect(() =>
      parseConfig({
        sources: [
          { name: 'a', provider: 'github' },
          { name: 'a', provider: 'stripe' },
        ],
      }),
    ).toThrow(/duplicate source name "a"/);
    expect(() => parseConfig({ sources: [{ name: '../etc', provider: 'github' }] })).toThrow(/name/);
    expect(() => parseConfig({ sources: [{ name: 'a', provider: 'github', allowedCidrs: ['10.0.0.0/33'] }] })).toThrow(/CIDR/);
    expect(() => parseConfig({ sources: [{ name: 'a', provider: 'stripe', toleranceSeconds: 0 }] })).toThrow(/toleranceSeconds/);
    expect(() => parseConfig({ sources: [{ name: 'a', provider: 'stripe', toleranceSeconds: 3601 }] })).toThrow(/toleranceSeconds/);
  });

  it('accepts IPv4 and IPv6 allow-lists and duration strings in the retry schedule', () => {
    const config = parseConfig({
      sources: [{ name: 'a', provider: 'github', allowedCidrs: ['192.30.252.0/22', '2a0a:a440::/29'] }],
      outbound: { retrySchedule: ['10s', '1m', 3600, '1d'] },
    });
    expect(config.sources[0]!.allowedCidrs).toHaveLength(2);
    expect(config.outbound.retrySchedule).toEqual([10, 60, 3600, 86_400]);
  });

  it('requires the generic hmac provider to say where the id is and what is signed', () => {
    expect(() => parseConfig({ sources: [{ name: 'h', provider: 'hmac', hmac: { signatureHeader: 'x-sig' } }] })).toThrow(/eventId/);
    expect(() =>
      parseConfig({
        sources: [{ name: 'h', provider: 'hmac', hmac: { signatureHeader: 'x-sig', eventId: { header: 'x-id' }, signedContent: '{timestamp}' } }],
      }),
    ).toThrow(/\{body\}/);
  });
});
