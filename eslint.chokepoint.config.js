// The runner chokepoint (src/action/runner.ts): nothing else of the action or of src/core/ may print.
// Every way to reach the step's stdout or stderr around it is an error here; eslint.config.js applies
// this to src/action/ and src/core/ (except src/action/runner.ts; the broker service prints its own
// JSON log, src/broker/log.ts), and __tests__/runner-chokepoint.test.ts lints each bypass to prove it
// is caught.
const message =
  'Print only through the Runner (src/action/runner.ts): it scrubs secrets and neutralises workflow commands.'

export const chokepointRules = {
  'no-console': 'error',
  'no-restricted-globals': ['error', { name: 'console', message }],
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'console', message },
        { name: 'node:console', message },
        { name: '@actions/core', message },
        { name: 'process', importNames: ['stdout', 'stderr'], message },
        { name: 'node:process', importNames: ['stdout', 'stderr'], message },
      ],
    },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'process', property: 'stdout', message },
    { object: 'process', property: 'stderr', message },
    { object: 'process', property: '_rawDebug', message },
    { object: 'globalThis', property: 'console', message },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: 'MemberExpression[property.name=/^(stdout|stderr|_rawDebug)$/]',
      message,
    },
    {
      selector: 'MemberExpression[property.value=/^(stdout|stderr|console)$/]',
      message,
    },
    {
      selector: 'Property[key.name=/^(stdout|stderr)$/] ',
      message,
    },
    {
      selector:
        'Literal[value=/^\\/(dev\\/(stdout|stderr|tty|fd\\/[12])|proc\\/self\\/fd\\/[12])$/]',
      message,
    },
    {
      selector:
        'CallExpression[callee.name=/^(write|writeSync|writev|writevSync|appendFileSync|writeFileSync|createWriteStream)$/]:matches([arguments.0.value=1], [arguments.0.value=2])',
      message,
    },
    {
      selector:
        'CallExpression[callee.property.name=/^(write|writeSync|writev|writevSync|appendFileSync|writeFileSync|createWriteStream)$/]:matches([arguments.0.value=1], [arguments.0.value=2])',
      message,
    },
  ],
}
