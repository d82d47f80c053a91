import { checkApiUrl } from '../../core/api-url.ts'
import type { Reader } from './reader.ts'
import type { BrokerSettings, Mode } from './settings.ts'

/**
 * `broker-url` and `broker-audience`: the key comes from a key broker (docs/broker.md) in exchange
 * for the job's GitHub OIDC token, so the job holds no parent key. Read before `admin-api-key`,
 * which must then be empty. Returns undefined without `broker-url`; every problem goes to `read`.
 */
export function readBroker(
  read: Reader,
  adminKeySet: boolean,
  mode: Mode | undefined,
): BrokerSettings | undefined {
  const text = read.raw('broker-url')
  const audienceText = read.raw('broker-audience')
  if (!text) {
    if (audienceText) {
      read.problem(
        'broker-audience',
        'it is only read with broker-url; set broker-url to the key broker, or remove broker-audience',
      )
    }
    return undefined
  }
  const checked = checkApiUrl(text, 'https://vast-broker.example.com')
  if ('problem' in checked) read.problem('broker-url', checked.problem)
  if (adminKeySet) {
    read.problem(
      'broker-url',
      "it is set together with 'admin-api-key'; with a key broker the job holds no parent key: remove admin-api-key (and the secret it came from), or remove broker-url to mint with the parent key",
    )
  }
  if (mode && mode !== 'create') {
    read.problem(
      'broker-url',
      `it works in create mode only (mode is '${mode}'); the broker mints and deletes per-job keys, and sweeps them itself`,
    )
  }
  if (read.raw('revoke') === 'never') {
    read.problem(
      'broker-url',
      "it does not work with revoke: never: a broker key is deleted by its post step or by the broker's sweep at its deadline",
    )
  }
  if (read.raw('dry-run') && read.raw('dry-run').toLowerCase() === 'true') {
    read.problem(
      'broker-url',
      'it does not work with dry-run: true: the broker decides what is allowed; run without dry-run',
    )
  }
  const audience = audienceText || ('url' in checked ? checked.url : text)
  if (/[\s\p{Cc}]/u.test(audience) || audience.length > 512) {
    read.problem(
      'broker-audience',
      'it must be one word of at most 512 characters, the audience the broker was given (BROKER_AUDIENCE)',
    )
  }
  // An empty ttl sends none: the broker then gives the rule's max-ttl, instead of the action's
  // 6h default being refused by a rule with a shorter max-ttl.
  return { url: 'url' in checked ? checked.url : '', audience, ttlFromRule: !read.raw('ttl') }
}
