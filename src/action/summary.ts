/**
 * Text from outside (key names read from Vast, API messages, GitHub run names, the key-name
 * input) made to render as itself in the job summary, which GitHub renders as GitHub Flavored
 * Markdown with HTML: never an image, a link, an @mention, a table cell break, an HTML tag or
 * emphasis. What is changed, and nothing else (a key name `ci [vsk2 m=job …]` stays as it is):
 *
 * - `\` doubled first, so no backslash in the text can undo an escape below.
 * - `&`, `<`, `>` become entities: no HTML tag, comment, entity or `<…>` autolink starts.
 * - `![`, `](` and `][` get a backslash before their bracket: no image or link (a reference
 *   definition needs a line start, which outside text never has here).
 * - `|` (table cells), `*`, `` ` ``, `~`, and `_` where it could open or close emphasis (not
 *   between two letters or digits) are backslash-escaped; CommonMark renders `\x` as `x` for any
 *   ASCII punctuation.
 * - GitHub links @mentions, e-mail addresses, `www.` and `scheme://` after parsing, in the rendered
 *   text, where escapes are gone (the "transform time" autolinks described in the notes of
 *   micromark-extension-gfm-autolink-literal): a zero-width space (U+200B) after `@`, after `www`
 *   before its dot, and after `:` before `//`, breaks each match and shows the same text.
 * - Line ends become spaces: a value stays on one line, and in its table cell.
 */
export function markdownText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
    .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
    .replace(/!\[/g, '!\\[')
    .replace(/\]([[(])/g, '\\]$1')
    .replace(/[|*`~]/g, (c) => `\\${c}`)
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
    .replace(/@/g, '@\u200b')
    .replace(/(www)\./gi, '$1\u200b.')
    .replace(/:\/\//g, ':\u200b//')
}

/**
 * A Markdown table for the job summary. Every cell, header or row, is text
 * ({@link markdownText}): a name cannot break the table, nor become a link, image, mention or tag.
 */
export function markdownTable(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(markdownText).join(' | ')} |`
  return (
    [line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') +
    '\n'
  )
}
