/** A Markdown table for the job summary; cells are escaped so a name cannot break the table. */
export function markdownTable(headers: string[], rows: string[][]): string {
  const cell = (text: string) =>
    text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
  return (
    [line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') +
    '\n'
  )
}
