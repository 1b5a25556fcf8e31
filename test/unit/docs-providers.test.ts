import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDERS, renderProviders } from '../../docs/providers';
import { MODULE_PROVIDERS, PRESET_PROVIDERS } from '../../shared/config/schema';
import { isPreset } from '../../shared/signatures';

describe('docs/providers.md', () => {
  it('has a row for every provider value of the schema, and no other', () => {
    expect(Object.keys(PROVIDERS).sort()).toEqual([...MODULE_PROVIDERS, ...PRESET_PROVIDERS, 'hmac'].sort());
  });

  it('says preset exactly for the providers that are configuration over the HMAC engine', () => {
    for (const [name, row] of Object.entries(PROVIDERS)) expect(row.implementation === 'preset', name).toBe(isPreset(name));
  });

  it('cites documentation for every provider', () => {
    for (const [name, row] of Object.entries(PROVIDERS)) expect(row.docs.length, name).toBeGreaterThan(0);
  });

  it('is what `npm run docs:providers` renders (regenerate it after editing docs/providers.ts)', () => {
    expect(readFileSync('docs/providers.md', 'utf8')).toBe(renderProviders());
  });
});
