/**
 * Atom selections as the import dialog takes them: 0-based indices and inclusive ranges,
 * e.g. "0-37" or "1,2,5-9". Empty or "all" selects every atom. Order is kept as written.
 */
export function parseAtomSelection(text: string | undefined, atoms: number): number[] {
  const trimmed = (text ?? '').trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'all') return Array.from({ length: atoms }, (_, i) => i);
  const out: number[] = [];
  for (const part of trimmed.split(',')) {
    const p = part.trim();
    const m = /^(\d+)\s*(?:-\s*(\d+))?$/.exec(p);
    if (!m)
      throw new RangeError(
        `atom selection '${text}': cannot read '${p}' (use 0-based indices like "0-37" or "1,2,5-9")`,
      );
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (hi < lo) throw new RangeError(`atom selection '${text}': range ${p} runs backwards`);
    if (hi >= atoms)
      throw new RangeError(
        `atom selection '${text}': index ${hi} is out of range (the file has ${atoms} atoms, indices 0-${atoms - 1})`,
      );
    for (let i = lo; i <= hi; i++) out.push(i);
  }
  if (new Set(out).size !== out.length) throw new RangeError(`atom selection '${text}' names an atom twice`);
  return out;
}
