import { describe, expect, it } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import {
  parsePermissions,
  permissionsJson,
  PRESETS,
  sensitiveCategories,
} from '../src/permissions.ts'

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
    ['{"api":{"misc":true}}', /'misc' must be \{\}/],
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
