import type { Reader } from './reader.ts'
import { MASKED_SECRET_LENGTH, MIN_SECRET_LENGTH } from './settings.ts'

/** Blanks, line ends, control and format characters: never part of a Vast key or GitHub token. */
const SEPARATORS = /[\s\p{Z}\p{Cc}\p{Cf}]+/u

/**
 * Masks a credential input (`admin-api-key`, `github-token`) and checks its shape; returns the
 * value as read. Masked first, before any message can quote it: the whole value when it is one
 * piece of {@link MASKED_SECRET_LENGTH} characters or more (a shorter one is refused and would
 * hide ordinary words if masked). A value holding blanks, line ends, control or format characters
 * is refused, and only its pieces between them of that length or more are masked: sent whole,
 * the runner would also mask each of its lines however short (a line `e` turns every `e` in the
 * job's log into `***`). A value with a character outside printable ASCII is refused too: it
 * goes in an HTTP header, which cannot carry it. An empty value is left to the caller.
 */
export function readSecretInput(
  read: Reader,
  name: string,
  onSecret: (value: string) => void,
  describe: { what: string; usual: string },
): string {
  const value = read.raw(name)
  if (!value) return value
  if (SEPARATORS.test(value)) {
    for (const piece of value.split(SEPARATORS)) {
      if (piece.length >= MASKED_SECRET_LENGTH) onSecret(piece)
    }
    read.problem(
      name,
      'it contains whitespace, line breaks or control characters; check the secret (copied with a line end or a space?)',
    )
    return value
  }
  if (value.length >= MASKED_SECRET_LENGTH) onSecret(value)
  if (/[^\x21-\x7e]/.test(value)) {
    // It goes in an Authorization header, which carries nothing else: the request could not
    // even be sent. The character is not quoted.
    read.problem(
      name,
      'it contains a character that is not printable ASCII, which an HTTP header cannot carry; check the secret',
    )
  } else if (value.length < MIN_SECRET_LENGTH) {
    read.problem(
      name,
      `it is only ${value.length} characters long; ${describe.usual}. A value shorter than ${MIN_SECRET_LENGTH} characters is not ${describe.what}, and cannot be masked in the log without hiding ordinary words; check that the secret holds the whole value`,
    )
  }
  return value
}
