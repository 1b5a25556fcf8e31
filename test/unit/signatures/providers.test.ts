import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../../shared/config/schema';
import { providerFor } from '../../../shared/signatures';
import { github } from '../../../shared/signatures/github';
import { stripe } from '../../../shared/signatures/stripe';

describe('providerFor', () => {
  it('returns the module of the source provider', () => {
    expect(providerFor(sourceSchema.parse({ name: 's', provider: 'stripe' }))).toBe(stripe);
    expect(providerFor(sourceSchema.parse({ name: 'g', provider: 'github' }))).toBe(github);
  });

  it('builds a generic hmac provider once per source', () => {
    const source = sourceSchema.parse({ name: 'h', provider: 'hmac', hmac: { signatureHeader: 'x-sig', eventId: { header: 'x-id' } } });
    const again = sourceSchema.parse({ name: 'h', provider: 'hmac', hmac: { signatureHeader: 'x-sig', eventId: { header: 'x-id' } } });
    expect(providerFor(source)).toBe(providerFor(source));
    expect(providerFor(again)).not.toBe(providerFor(source));
  });
});

describe('presets', () => {
  it('are exactly the preset provider values of the schema, each valid for the generic engine', async () => {
    const { PRESETS, presetOptions } = await import('../../../shared/signatures/presets');
    const { PRESET_PROVIDERS } = await import('../../../shared/config/schema');
    expect(Object.keys(PRESETS).sort()).toEqual([...PRESET_PROVIDERS].sort());
    for (const name of PRESET_PROVIDERS) expect(presetOptions(name).signatureHeader).toBe(PRESETS[name].signatureHeader);
  });

  it('are built once per preset and shared by every source of it', () => {
    const a = sourceSchema.parse({ name: 'a', provider: 'mux' });
    const b = sourceSchema.parse({ name: 'b', provider: 'mux' });
    expect(providerFor(a)).toBe(providerFor(b));
  });
});

describe('anySourceAnswersGet', () => {
  it('is true only when a source answers a GET challenge (X, Dropbox)', async () => {
    const { anySourceAnswersGet } = await import('../../../shared/signatures');
    const sources = (...providers: string[]) => providers.map((provider) => sourceSchema.parse({ name: provider, provider }));
    expect(anySourceAnswersGet(sources('stripe', 'msgraph', 'asana', 'zoom'))).toBe(false);
    expect(anySourceAnswersGet(sources('stripe', 'x'))).toBe(true);
    expect(anySourceAnswersGet(sources('dropbox'))).toBe(true);
  });
});
