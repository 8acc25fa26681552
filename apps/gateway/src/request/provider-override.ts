/** The deployment a caller pinned with `x-switchyard-provider`, if any. */
export function providerOverride(headers: Record<string, string | string[] | undefined>): string | undefined {
  const provider = headers['x-switchyard-provider'];
  return typeof provider === 'string' && provider !== '' ? provider : undefined;
}
