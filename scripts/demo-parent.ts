// The demos' parent key holds what the README's "Make the parent key" recommends, not every
// right: user_read and user_write (to make, find and delete keys) and the categories jobs' keys
// may get, leaving out billing_write and team_write.

import { CATEGORIES, type Permissions } from '../src/core/permissions.ts'

/** Left out of the demo parent key, as the README says to leave them out of yours. */
export const LEFT_OUT = ['billing_write', 'team_write'] as const

/** The demo parent key's permissions: every category of Vast's list but {@link LEFT_OUT}. */
export function demoParentPermissions(): Permissions {
  const left: readonly string[] = LEFT_OUT
  return {
    api: Object.fromEntries(CATEGORIES.filter((c) => !left.includes(c)).map((c) => [c, {}])),
  }
}
