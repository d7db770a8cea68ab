export interface CsvColumn {
  name: string;
  unit?: string;
  values: ArrayLike<number>;
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Columns side by side; the header names units in brackets, e.g. `rc [reduced length],F [kT0]`. */
export function writeCsv(columns: CsvColumn[]): string {
  if (columns.length === 0) return '';
  const rows = Math.max(...columns.map((c) => c.values.length));
  const lines = [columns.map((c) => quote(c.unit ? `${c.name} [${c.unit}]` : c.name)).join(',')];
  for (let r = 0; r < rows; r++) {
    // String(v) round-trips doubles exactly; missing cells stay empty.
    lines.push(columns.map((c) => (r < c.values.length ? String(c.values[r]) : '')).join(','));
  }
  return lines.join('\n') + '\n';
}

export interface ParsedCsv {
  columns: { name: string; unit?: string; values: number[] }[];
}

/** RFC 4180 cells (quotes, doubled quotes, embedded commas/newlines). */
export function splitCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell.length > 0 || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0].trim() === ''));
}

/** Parses a numeric CSV with a header row; `name [unit]` headers are split into name and unit. */
export function parseCsv(text: string): ParsedCsv {
  const rows = splitCsv(text);
  if (rows.length === 0) return { columns: [] };
  const columns = rows[0].map((h) => {
    const m = /^(.*?)\s*\[([^\]]*)\]\s*$/.exec(h.trim());
    return m
      ? { name: m[1], unit: m[2], values: [] as number[] }
      : { name: h.trim(), values: [] as number[] };
  });
  for (let r = 1; r < rows.length; r++) {
    if (rows[r].length !== columns.length)
      throw new SyntaxError(`row ${r + 1} has ${rows[r].length} cells, header has ${columns.length}`);
    rows[r].forEach((cell, c) => {
      const t = cell.trim();
      const v = t === '' ? NaN : Number(t);
      if (t !== '' && Number.isNaN(v) && t !== 'NaN')
        throw new SyntaxError(`row ${r + 1}, column ${c + 1}: not a number '${cell}'`);
      columns[c].values.push(v);
    });
  }
  return { columns };
}
