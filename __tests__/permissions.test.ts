import { describe, expect, it } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import {
  parsePermissions,
  PermissionsError,
  permissionsJson,
  PRESETS,
  sensitiveCategories,
} from '../src/core/permissions.ts'

describe('parsePermissions', () => {
  it('expands presets', () => {
    expect(parsePermissions('instance-manager')).toEqual({
      api: { instance_read: {}, instance_write: {}, misc: {} },
    })
    for (const name of Object.keys(PRESETS)) {
      expect(Object.keys(parsePermissions(name).api).length).toBeGreaterThan(0)
    }
  })

  it('reads category lists separated by commas, spaces or newlines', () => {
    expect(parsePermissions('instance_write, instance_read\nmisc')).toEqual({
      api: { instance_read: {}, instance_write: {}, misc: {} },
    })
  })

  it('reads JSON with or without the api wrapper, and normalises key order', () => {
    const wrapped = parsePermissions('{"api":{"team_read":{"api.team.members":{}},"misc":{}}}')
    const bare = parsePermissions('{"misc":{},"team_read":{"api.team.members":{}}}')
    expect(wrapped).toEqual(bare)
    expect(permissionsJson(wrapped)).toBe('{"api":{"misc":{},"team_read":{"api.team.members":{}}}}')
  })

  it('keeps constraints with eq, lte and gte', () => {
    const text =
      '{"api":{"instance_write":{"api.instance.destroy":{"constraints":{"id":{"lte":9,"gte":1}}}}}}'
    expect(parsePermissions(text).api.instance_write).toEqual({
      'api.instance.destroy': { constraints: { id: { gte: 1, lte: 9 } } },
    })
  })

  it('reads a YAML mapping', () => {
    const text = 'instance_read: {}\ninstance_write:\n  api.instance.destroy: {}'
    expect(parsePermissions(text, parseYaml)).toEqual({
      api: { instance_read: {}, instance_write: { 'api.instance.destroy': {} } },
    })
  })

  it.each([
    ['{}', /grants no category/],
    ['{"api":{}}', /grants no category/],
    ['{"api":[]}', /must be a mapping/],
    ['{"api":{"gpu_all":{}}}', /unknown category 'gpu_all'/],
    ['{"api":{"misc":true}}', /boolean form.*\{"api":\{"misc":\{\}\}\}/],
    ['{"api":{"misc":{"a":1}}}', /'misc.a' must be/],
    ['{"api":{"misc":{"a":{"limits":{}}}}}', /only "constraints"/],
    ['{"api":{"misc":{"a":{"constraints":{"id":{}}}}}}', /must be like/],
    ['{"api":{"misc":{"a":{"constraints":{"id":{"ne":1}}}}}}', /only eq, lte and gte/],
    ['{"api":{"misc":{"a":{"constraints":{"id":{"eq":[1]}}}}}}', /number or a string/],
    ['   ', /empty/],
    ['toString', /unknown category 'toString'|not a preset/],
    ['__proto__', /unknown category '__proto__'|not a preset/],
    ['constructor', /unknown category 'constructor'|not a preset/],
  ])('refuses %s', (text, message) => {
    expect(() => parsePermissions(text, parseYaml)).toThrow(message)
  })

  it('names the sensitive categories', () => {
    expect(sensitiveCategories(parsePermissions('user_write billing_write misc'))).toEqual([
      'user_write',
      'billing_write',
    ])
    expect(sensitiveCategories(parsePermissions('user_read'))).toEqual([])
  })
})

describe('first mistakes with permissions (each names what would be right)', () => {
  it.each([
    // near misses: dash for underscore, upper case, a typo; presets the other way round
    ['instance-read', /did you mean instance_read\?/],
    ['INSTANCE_READ', /did you mean instance_read\?/],
    ['instance_manager', /did you mean instance-manager\?/],
    ['Read-Only', /did you mean read-only\?/],
    // every unknown name, not only the first
    [
      'instance-read, instanse_write, gpu_all',
      /'instance-read' \(did you mean instance_read\?\), 'instanse_write' \(did you mean instance_write\?\), 'gpu_all'/,
    ],
    [
      '{"api":{"instnce_read":{},"gpu_all":{}}}',
      /'gpu_all', 'instnce_read' \(did you mean instance_read\?\)/,
    ],
    ['instance-manager, billing_read', /'instance-manager' \(a preset: use it alone/],
    // a file path instead of the content
    [
      'perms.json',
      /looks like a file path; the action does not read files.*vars\.VAST_PERMISSIONS/,
    ],
    ['./ci/vast-permissions.yml', /looks like a file path/],
    ['.github/vast/permissions', /looks like a file path/],
    // YAML indented with tabs
    ['api:\n\tinstance_read: {}', /indent with spaces/],
    // a list with an empty item: said so, not "expected a preset"
    [
      'instance_read, instance_write,',
      /a list with an empty item.*like instance_read, instance_write/,
    ],
    [',instance_read', /a list with an empty item/],
    // a JSON array or a YAML sequence of the right names: the form is wrong, the names are kept
    [
      '["instance_read", "misc"]',
      /a list in brackets or a YAML sequence; .*: instance_read, misc$/,
    ],
    ['- instance_read\n- instance_write', /a list in brackets .*: instance_read, instance_write$/],
    ['instance_read,, instance_write', /a list with an empty item/],
    // the boolean form, with an example built from what it asks for
    [
      '{"manage_instances": true, "read_billing": false}',
      /boolean form.*400 invalid_permissions.*\{"api":\{"misc":\{\},"instance_read":\{\},"instance_write":\{\}\}\}, which is the preset instance-manager/,
    ],
    [
      '{"api":{"view_instances":true}}',
      /boolean form.*\{"api":\{"misc":\{\},"instance_read":\{\}\}\}/,
    ],
    ['manage_billing: true', /boolean form.*"billing_read":\{\},"billing_write":\{\}/],
    ['{"frobnicate": true}', /boolean form.*e\.g\. \{"api":\{"instance_read":\{\}\}\}/],
  ])('%j', (text, message) => {
    expect(() => parsePermissions(text, parseYaml)).toThrow(message)
  })

  it.each([
    // would widen instance_write to the whole category (the copy's prototype replaced)
    [
      '{"api":{"instance_write":{"__proto__":{"api.instance.destroy":{}}}}}',
      'api.instance_write.__proto__',
    ],
    ['{"__proto__":{"user_write":{}},"api":{"misc":{}}}', '__proto__'],
    [
      '{"api":{"misc":{"a":{"constraints":{"constructor":{"eq":1}}}}}}',
      'api.misc.a.constraints.constructor',
    ],
    ['api:\n  instance_read:\n    prototype: {}', 'api.instance_read.prototype'],
    ['api:\n  instance_read:\n    __proto__: {}', 'api.instance_read.__proto__'],
  ])('refuses a forbidden key at any depth: %j', (text, path) => {
    expect(() => parsePermissions(text, parseYaml)).toThrow(
      new RegExp(`the key '\\w+' \\(at ${path.replace(/\./g, '\\.')}\\) is not allowed`),
    )
  })
})

describe('costly values (security review, finding 9)', () => {
  const deepJson = (d: number) => `{"api":{"instance_read":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}}`
  it.each([
    [
      'JSON 5,000 deep',
      deepJson(5_000),
      /more than 10 levels deep; Vast's permission shape is at most 6/,
    ],
    ['JSON 11 deep', deepJson(9), /more than 10 levels deep/],
    [
      'YAML flow 15,000 deep',
      `api: ${'['.repeat(15_000)}${']'.repeat(15_000)}`,
      /more than 10 levels deep/,
    ],
    [
      'YAML blocks 12 deep',
      Array.from({ length: 12 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1',
      /more than 10 levels deep/,
    ],
    [
      'longer than any real value',
      `instance_read ${'x'.repeat(40_000)}`,
      /it is 40014 characters long; at most 32768/,
    ],
    [
      'blanks between quoted names',
      `"a"${' '.repeat(30_000)}"!"`,
      /neither a preset, a category list, JSON nor a YAML mapping/,
    ],
  ])('%s: refused with a PermissionsError', (_, value, message) => {
    expect(() => parsePermissions(value, parseYaml)).toThrow(PermissionsError)
    expect(() => parsePermissions(value, parseYaml)).toThrow(message)
  })

  it('the deepest real shape is accepted', () => {
    const value =
      '{"api":{"instance_write":{"api.instance.destroy":{"constraints":{"id":{"eq":1227}}}}}}'
    expect(parsePermissions(value, parseYaml).api).toHaveProperty('instance_write')
  })

  it('a name list with long blank runs is read', () => {
    const value = `instance_read${' '.repeat(30_000)},${' '.repeat(2_000)}instance_write`
    expect(Object.keys(parsePermissions(value).api)).toEqual(['instance_read', 'instance_write'])
  })
})
