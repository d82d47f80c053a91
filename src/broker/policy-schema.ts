import { formatDuration } from '../core/duration.ts'
import { CATEGORIES, PRESETS, SENSITIVE_CATEGORIES } from '../core/permissions.ts'
import { POLICY_CLAIMS } from './claims.ts'
import { MAX_RULE_TTL_MS, RULE_FIELDS, RULE_NAME } from './policy.ts'

/**
 * The trust policy's JSON Schema (draft 2020-12), for editors (YAML language servers read it from
 * a `# yaml-language-server: $schema=...` comment): made from the same constants the parser
 * checks against (src/broker/policy.ts: the rule fields and the rule name; src/broker/claims.ts: the claims and their types; the presets and
 * categories of src/core/permissions.ts), so the two cannot drift apart. What only code can check
 * (a glob in the owner part without allow-any-owner, a sensitive category, durations and their
 * bounds, duplicate names) is said in descriptions; `npm run broker -- --check` checks it all.
 * `npm run broker -- --schema` prints it; docs/broker-policy.schema.json is this, committed.
 */
export function policySchema(): Record<string, unknown> {
  const pattern = {
    oneOf: [
      { type: 'string', minLength: 1 },
      { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    ],
  }
  const idPattern = {
    description: 'exact number, as text (no globs)',
    oneOf: [
      { type: 'string', pattern: '^\\d{1,20}$' },
      { type: 'integer', minimum: 0 },
      {
        type: 'array',
        minItems: 1,
        items: { oneOf: [{ type: 'string', pattern: '^\\d{1,20}$' }, { type: 'integer' }] },
      },
    ],
  }
  const category = { enum: [...CATEGORIES] }
  const ruleProperties: Record<string, unknown> = {
    name: { type: 'string', pattern: RULE_NAME.source, description: 'unique in the policy' },
    match: {
      type: 'object',
      description:
        'claims of the GitHub OIDC token; every claim listed must fit; a list fits when any pattern does; * ** ? globs',
      required: ['repository'],
      additionalProperties: false,
      minProperties: 1,
      properties: Object.fromEntries(
        POLICY_CLAIMS.map(({ name, type }) => [name, type === 'id' ? idPattern : pattern]),
      ),
    },
    permissions: {
      description: `a preset, a list of categories, or a mapping of categories; ${SENSITIVE_CATEGORIES.join(', ')} need allow-sensitive-permissions: true`,
      oneOf: [
        {
          type: 'string',
          description: `a preset (${Object.keys(PRESETS).join(', ')}), or categories separated by commas`,
        },
        { type: 'array', minItems: 1, items: category },
        { type: 'object', propertyNames: category },
      ],
    },
    'max-ttl': {
      type: 'string',
      description: `a duration from 1m to ${formatDuration(MAX_RULE_TTL_MS)}, such as "2h"`,
    },
    'allow-sensitive-permissions': { type: 'boolean' },
    'allow-any-owner': { type: 'boolean' },
    'destroy-instances': {
      type: 'boolean',
      description:
        "true: the key comes with the job's instance label, and the DELETE that ends the key destroys the instances with that label (docs/instances.md)",
    },
  }
  const missing = [...RULE_FIELDS].filter((field) => !(field in ruleProperties))
  if (missing.length > 0) throw new Error(`the schema lacks rule fields: ${missing.join(', ')}`)
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'vast-scoped-key key broker trust policy',
    type: 'object',
    required: ['version', 'rules'],
    additionalProperties: false,
    properties: {
      version: { const: 1 },
      rules: {
        type: 'array',
        minItems: 1,
        description: 'tried in order; the first rule that fits decides; no rule, no key',
        items: {
          type: 'object',
          required: ['name', 'match', 'permissions', 'max-ttl'],
          additionalProperties: false,
          properties: ruleProperties,
        },
      },
    },
  }
}
