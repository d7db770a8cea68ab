/** Indices 0…n−1 grouped by their key (a state, a population), groups in order of first appearance. */
export function indicesByKey(keys: ArrayLike<number>): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i++) {
    const g = groups.get(keys[i]);
    if (g) g.push(i);
    else groups.set(keys[i], [i]);
  }
  return groups;
}
