import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { VastApiError } from '../src/core/vast/errors.ts'
import { withAccessHint } from '../src/core/vast/keys.ts'

// A refusal of a key-management call reads "<operation> failed: HTTP <status>: <Vast's message>.
// <the hint>.", as post's messages do: Vast's words right after the status, the hint after them,
// one full stop between (finding 11 of the sweep review).

describe('withAccessHint', () => {
  it("puts the hint after Vast's message, whatever the operation, status and message", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('List API keys', 'Read the current user', 'Delete API key 7'),
        fc.constantFrom(401, 403),
        fc.string({ minLength: 1, maxLength: 40 }).filter((m) => /^[\w ,']+\.?$/.test(m)),
        async (operation, status, apiMessage) => {
          const refusal = new VastApiError({
            operation,
            kind: 'http',
            status,
            apiMessage,
            retryable: false,
            ambiguous: false,
          })
          const error = await withAccessHint(Promise.reject(refusal)).catch((e: unknown) => e)
          expect(error).toBeInstanceOf(VastApiError)
          const { message } = error as VastApiError
          const said = apiMessage.replace(/\.$/, '')
          expect(
            message.startsWith(
              `${operation} failed: HTTP ${status}: ${said}. The parent key (admin-api-key) was refused: `,
            ),
          ).toBe(true)
          expect(message).toMatch(/Give admin-api-key both user_read and user_write\.$/)
          expect(message).not.toMatch(/\.\./)
          expect((error as VastApiError).status).toBe(status)
        },
      ),
    )
  })

  it('leaves other errors as they are', async () => {
    const other = new VastApiError({
      operation: 'List API keys',
      kind: 'http',
      status: 500,
      retryable: true,
      ambiguous: false,
    })
    await expect(withAccessHint(Promise.reject(other))).rejects.toBe(other)
  })
})
