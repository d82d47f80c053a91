import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 4852:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  rV: () => (/* binding */ checkConfigFileFree),
  ks: () => (/* binding */ configFilePath),
  lH: () => (/* binding */ relativeXdgConfigHome),
  X7: () => (/* binding */ removeConfigFile),
  o5: () => (/* binding */ writeConfigFile)
});

// UNUSED EXPORTS: ConfigFileError

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./src/action/config-file.ts



/**
 * The file where the official Vast CLI and Python SDK look for a key when none is given:
 * `$XDG_CONFIG_HOME/vastai/vast_api_key`, else `~/.config/vastai/vast_api_key`. A relative
 * XDG_CONFIG_HOME is ignored, as the XDG Base Directory spec says ("If an implementation encounters
 * a relative path in any of these variables it should consider the path invalid and ignore it"):
 * it would put the key inside the checkout.
 */
function configFilePath(env) {
    const xdg = env.XDG_CONFIG_HOME;
    const base = xdg && (0,external_node_path_namespaceObject.isAbsolute)(xdg) ? xdg : (0,external_node_path_namespaceObject.join)(env.HOME || (0,external_node_os_.homedir)(), '.config');
    return (0,external_node_path_namespaceObject.join)(base, 'vastai', 'vast_api_key');
}
/** True when XDG_CONFIG_HOME is set but relative, and so ignored by {@link configFilePath}. */
function relativeXdgConfigHome(env) {
    return Boolean(env.XDG_CONFIG_HOME) && !(0,external_node_path_namespaceObject.isAbsolute)(env.XDG_CONFIG_HOME ?? '');
}
function identity(stat) {
    return {
        dev: String(stat.dev),
        ino: String(stat.ino),
        born: String(stat.birthtimeNs || stat.ctimeNs),
    };
}
class ConfigFileError extends Error {
}
const INPUT = "Input 'export-config':";
/**
 * Checked before the key is made, so a blocked path fails the step with nothing created. The
 * `vastai` directory, when it exists, must be a plain directory (not a link, not a file); the
 * config directory above it must be a directory (a link to one is fine: dotfile managers make
 * them). Raises ConfigFileError, naming the input.
 */
function checkConfigFileFree(path) {
    const dir = (0,external_node_path_namespaceObject.dirname)(path);
    const base = (0,external_node_path_namespaceObject.dirname)(dir);
    const kernel = kernelFileSystem(base);
    if (kernel) {
        throw new ConfigFileError(`${INPUT} ${base} is in ${kernel}, a kernel file system, not a plain directory; the key file cannot go under it. ` +
            'Set XDG_CONFIG_HOME (or HOME) to a directory of your own, or unset it, or use export-env: true instead');
    }
    const baseStat = (0,external_node_fs_.statSync)(base, { throwIfNoEntry: false });
    if (baseStat && !baseStat.isDirectory()) {
        throw new ConfigFileError(`${INPUT} ${base} is not a directory; the key file cannot go under it. Remove it, or use export-env: true instead`);
    }
    const dirStat = (0,external_node_fs_.lstatSync)(dir, { throwIfNoEntry: false });
    if (dirStat?.isSymbolicLink()) {
        throw new ConfigFileError(`${INPUT} ${dir} is a symbolic link; refusing to write the key through it. Make it a plain directory, or use export-env: true instead`);
    }
    if (dirStat && !dirStat.isDirectory()) {
        throw new ConfigFileError(`${INPUT} ${dir} is not a plain directory; refusing to write the key there. Remove it, or use export-env: true instead`);
    }
    const existing = (0,external_node_fs_.lstatSync)(path, { throwIfNoEntry: false });
    if (existing) {
        throw new ConfigFileError(`${INPUT} ${path} already exists${existing.isSymbolicLink() ? ' as a symbolic link' : ''} and was not written by this step; ` +
            'refusing to overwrite it. Remove it first, or use export-env: true instead');
    }
}
/**
 * Writes the key with mode 0600. Never follows a symlink and never replaces an existing file: the
 * file may be a developer's own key, or a link planted to make us write the key elsewhere.
 */
function writeConfigFile(path, key) {
    makeDirectories((0,external_node_path_namespaceObject.dirname)(path));
    checkConfigFileFree(path);
    let fd;
    try {
        fd = (0,external_node_fs_.openSync)(path, external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_CREAT | external_node_fs_.constants.O_EXCL | external_node_fs_.constants.O_NOFOLLOW, 0o600);
    }
    catch (error) {
        throw new ConfigFileError(`${INPUT} cannot create ${path}: ${error.code}`);
    }
    try {
        (0,external_node_fs_.writeSync)(fd, key.reveal());
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    return { path, ...identity((0,external_node_fs_.lstatSync)(path, { bigint: true })) };
}
/**
 * Linux's kernel file systems, where a directory is not a place for files (`/proc/self` is a
 * directory, but `mkdir` in it fails with ENOENT, and Node's recursive mkdir then never returns).
 * Returns the mount point the nearest existing ancestor of `path` resolves into, or ''.
 */
function kernelFileSystem(path) {
    let existing = path;
    for (let i = 0; i < 256 && !(0,external_node_fs_.lstatSync)(existing, { throwIfNoEntry: false }); i++) {
        const parent = (0,external_node_path_namespaceObject.dirname)(existing);
        if (parent === existing)
            break;
        existing = parent;
    }
    let real;
    try {
        real = (0,external_node_fs_.realpathSync)(existing);
    }
    catch {
        real = existing;
    }
    return /^\/(proc|sys)(\/|$)/.exec(real)?.[0].replace(/\/$/, '') ?? '';
}
/**
 * Makes `dir` and any missing parents (mode 0700), one `mkdir` each, top down: every step either
 * succeeds or fails with ConfigFileError naming the directory and the error code. (Node's
 * `mkdir({ recursive: true })` loops forever on a kernel file system that answers ENOENT.)
 */
function makeDirectories(dir) {
    const missing = [];
    for (let at = dir; !(0,external_node_fs_.lstatSync)(at, { throwIfNoEntry: false }); at = (0,external_node_path_namespaceObject.dirname)(at)) {
        if ((0,external_node_path_namespaceObject.dirname)(at) === at || missing.length >= 256)
            break;
        missing.unshift(at);
    }
    for (const at of missing) {
        try {
            (0,external_node_fs_.mkdirSync)(at, { mode: 0o700 });
        }
        catch (error) {
            const code = error.code;
            if (code === 'EEXIST' && (0,external_node_fs_.statSync)(at, { throwIfNoEntry: false })?.isDirectory())
                continue;
            throw new ConfigFileError(`${INPUT} cannot create the directory ${at}: ${code ?? 'error'}`);
        }
    }
}
/** The end of every path {@link configFilePath} makes: post removes no file whose path differs. */
const KEY_FILE_TAIL = `${external_node_path_namespaceObject.sep}vastai${external_node_path_namespaceObject.sep}vast_api_key`;
/**
 * Removes the file if it is still the one written in main: an absolute path ending in
 * `vastai/vast_api_key` (the only file main writes; 'refused' for any other path, whatever state
 * says), a regular file with the same device, inode and birth time.
 */
function removeConfigFile(file) {
    if (typeof file.path !== 'string' ||
        !(0,external_node_path_namespaceObject.isAbsolute)(file.path) ||
        !file.path.endsWith(KEY_FILE_TAIL) ||
        file.path.split(external_node_path_namespaceObject.sep).includes('..')) {
        return 'refused';
    }
    const stat = (0,external_node_fs_.lstatSync)(file.path, { bigint: true, throwIfNoEntry: false });
    if (!stat)
        return 'gone';
    const now = identity(stat);
    if (!stat.isFile() || now.dev !== file.dev || now.ino !== file.ino || now.born !== file.born) {
        return 'replaced';
    }
    (0,external_node_fs_.unlinkSync)(file.path);
    return 'removed';
}


/***/ }),

/***/ 2050:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   D$: () => (/* binding */ INSTANCES_WORDS),
/* harmony export */   dX: () => (/* binding */ readInstances),
/* harmony export */   readInstancesForPost: () => (/* binding */ readInstancesForPost)
/* harmony export */ });
/* unused harmony exports INSTANCES_DEFAULTS, INSTANCES_GRACE_RANGE_MS */
/* harmony import */ var _reader_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3687);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3329);


/** action.yml's defaults of `instances` and `instances-grace` (InstancesSettings, settings.ts). */
const INSTANCES_DEFAULTS = { instances: 'keep', grace: '10s' };
/** Post has about 50 s in all; the grace must leave room for the key and the destroys. */
const INSTANCES_GRACE_RANGE_MS = { min: 0, max: 30_000 };
/** Yes/no words a user may write for `instances`, and the choice each probably means. */
const INSTANCES_WORDS = {
    true: 'destroy',
    yes: 'destroy',
    on: 'destroy',
    false: 'keep',
    no: 'keep',
    off: 'keep',
};
/**
 * Reads both inputs, a problem per bad one (in `read`); warns when instances-grace is set (not
 * action.yml's default) while instances is keep, which would leave the instances alone.
 */
function readInstances(read) {
    const settings = {
        instances: read.choice('instances', ['keep', 'destroy'], INSTANCES_DEFAULTS.instances, INSTANCES_WORDS),
        graceMs: read.duration('instances-grace', INSTANCES_DEFAULTS.grace, INSTANCES_GRACE_RANGE_MS),
    };
    const grace = read.raw('instances-grace');
    const keep = ['', INSTANCES_DEFAULTS.instances].includes(read.raw('instances')); // not a bad value
    if (keep && grace && grace !== INSTANCES_DEFAULTS.grace) {
        read.warn('instances-grace', "it is read only with instances: destroy, and instances is keep: the post step leaves the job's instances alone. Add instances: destroy, or remove instances-grace");
    }
    return settings;
}
/** The post step's reading of the same inputs; throws InputError naming each bad one. */
function readInstancesForPost(source) {
    const read = new _reader_js__WEBPACK_IMPORTED_MODULE_0__/* .Reader */ .mP(source);
    const settings = readInstances(read);
    if (read.problems.length > 0)
        throw new _settings_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(read.problems);
    return settings;
}


/***/ }),

/***/ 3687:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   mP: () => (/* binding */ Reader),
/* harmony export */   wx: () => (/* binding */ meant)
/* harmony export */ });
/* unused harmony export durationHint */
/* harmony import */ var _core_duration_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8571);
/* harmony import */ var _core_permissions_help_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(5359);


const BOOLEAN_TRUE = ['true', 'True', 'TRUE'];
const BOOLEAN_FALSE = ['false', 'False', 'FALSE'];
/** Reads raw inputs into typed values, collecting a message per bad input. */
class Reader {
    problems = [];
    /** Allowed, but probably not meant: said as warnings. */
    warnings = [];
    #source;
    constructor(source) {
        this.#source = source;
    }
    raw(name) {
        return this.#source.getInput(name);
    }
    warn(input, text) {
        this.warnings.push(`Input '${input}': ${text}`);
    }
    problem(input, text) {
        this.problems.push(`Input '${input}': ${text}`);
    }
    text(name, fallback) {
        return this.raw(name) || fallback;
    }
    /**
     * One of `allowed`. `words` maps other words a user may write (lower-cased, such as `true`) to
     * the choice they probably meant, for the message's did-you-mean.
     */
    choice(name, allowed, fallback, words = {}) {
        const value = this.text(name, fallback);
        if (allowed.includes(value))
            return value;
        const word = Object.hasOwn(words, value.toLowerCase()) ? words[value.toLowerCase()] : undefined;
        this.problem(name, `'${value}' is not allowed; use one of: ${allowed.join(', ')}` +
            (word ? ` (did you mean ${word}?)` : meant(value, allowed)));
        return fallback;
    }
    boolean(name) {
        const value = this.raw(name);
        if (!value || BOOLEAN_FALSE.includes(value))
            return false;
        if (BOOLEAN_TRUE.includes(value))
            return true;
        this.problem(name, `'${value}' is not a boolean; use true or false`);
        return false;
    }
    duration(name, fallback, range) {
        const value = this.text(name, fallback);
        const ms = (0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E)(value);
        if (ms === undefined) {
            this.problem(name, `'${value}' is not a duration; write it like 30s, 15m, 6h or 2d` +
                durationHint(value, range));
        }
        else if (ms < range.min || ms > range.max) {
            this.problem(name, `'${value}' is out of range; use from ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(range.min)} to ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(range.max)}`);
        }
        else {
            return ms;
        }
        return (0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E)(fallback) ?? 0;
    }
    integer(name, fallback, range) {
        const value = this.text(name, fallback);
        const number = /^\d+$/.test(value) ? Number(value) : NaN;
        if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
            this.problem(name, `'${value}' must be a whole number from ${range.min} to ${range.max}`);
            return Number(fallback) || range.min;
        }
        return number;
    }
}
/** Reads the inputs; throws InputError naming every bad input at once. */
const UNIT_WORDS = { ms: 'ms', s: 's', m: 'm', h: 'h', d: 'd' };
/**
 * What a duration that did not parse was probably meant to be: `6 hours` -> ` (did you mean
 * 6h?)`, or, when that guess is outside `range` (ms), that it would be out of range too; a bare
 * number -> a reminder of the units; '' otherwise. The value is the input's own text.
 */
function durationHint(value, range) {
    const spelled = /^(\d+)\s*(ms|millis(?:econds?)?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)$/i.exec(value.trim());
    if (spelled) {
        const word = (spelled[2] ?? '').toLowerCase();
        const unit = word.startsWith('mil') ? 'ms' : (UNIT_WORDS[word] ?? word[0] ?? '');
        const guess = `${spelled[1]}${unit}`;
        const ms = (0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E)(guess);
        if (range && ms !== undefined && (ms < range.min || ms > range.max)) {
            return ` (${guess} would be out of range too: use from ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(range.min)} to ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(range.max)})`;
        }
        return ` (did you mean ${guess}?)`;
    }
    if (/^\d+$/.test(value.trim()))
        return ` (a number needs its unit: ${value.trim()}s, ${value.trim()}m, ${value.trim()}h or ${value.trim()}d)`;
    return '';
}
/** ` (did you mean x?)` when `value` is close to one of `allowed` (case, -/_, two edits); else ''. */
function meant(value, allowed) {
    const guess = (0,_core_permissions_help_js__WEBPACK_IMPORTED_MODULE_1__/* .didYouMean */ .au)(value, allowed);
    return guess && guess !== value ? ` (did you mean ${guess}?)` : '';
}


/***/ }),

/***/ 3329:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Ee: () => (/* binding */ TTL_RANGE_MS),
/* harmony export */   FN: () => (/* binding */ MODES),
/* harmony export */   FU: () => (/* binding */ POST_COVERED_REQUEST_TIMEOUT_MS),
/* harmony export */   Ig: () => (/* binding */ GRACE_RANGE_MS),
/* harmony export */   Sn: () => (/* binding */ CREATE_BUDGET_RANGE_MS),
/* harmony export */   Sr: () => (/* binding */ MASKED_SECRET_LENGTH),
/* harmony export */   WS: () => (/* binding */ SWEEP_BUDGET_RANGE_MS),
/* harmony export */   YQ: () => (/* binding */ POST_LATE_APPLY_WAIT_MS),
/* harmony export */   aV: () => (/* binding */ MAX_ATTEMPTS_RANGE),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   f3: () => (/* binding */ REQUEST_TIMEOUT_RANGE_MS),
/* harmony export */   g: () => (/* binding */ KEEP_PREVIOUS_RANGE),
/* harmony export */   vb: () => (/* binding */ MIN_SECRET_LENGTH),
/* harmony export */   xP: () => (/* binding */ JOB_TOTAL_RANGE),
/* harmony export */   zY: () => (/* binding */ DEFAULTS)
/* harmony export */ });
/** The typed, readonly values the inputs become: one per mode. */
const MODES = ['create', 'delete', 'sweep', 'rotate'];
const DEFAULTS = {
    mode: 'create',
    ttl: '6h',
    rotateTtl: '30d',
    secretScope: 'repository',
    visibility: 'private',
    keepPrevious: '0',
    githubApiUrl: 'https://api.github.com',
    revoke: 'post',
    apiUrl: 'https://console.vast.ai',
    cleanupFailure: 'warn',
    maxAttempts: '5',
    requestTimeout: '30s',
    sweepScope: 'repository',
    grace: '0s',
    sweepBudget: '10m',
    /** The longest default create-budget; a shorter ttl makes it half the ttl. */
    createBudget: '15m',
};
/**
 * The shortest `admin-api-key` and `github-token` accepted. The runner masks a secret wherever it
 * appears in the job's log, so a value of a few characters hides ordinary words in every line and
 * shows the secret by the holes it leaves; it is also no real credential. Real ones are far
 * longer: a Vast key is 64 hex characters (vast-api.md), GitHub tokens 40 (`ghp_`, `ghs_`, a
 * classic hex token) to 93 (`github_pat_`). 20 characters leave room for any other format and are
 * well above the 12-character runs the action scrubs from its own messages (src/action/runner.ts).
 */
const MIN_SECRET_LENGTH = 20;
/** A refused secret this long or longer is still masked: it may be a real key cut short. */
const MASKED_SECRET_LENGTH = 8;
const TTL_RANGE_MS = { min: 30_000, max: 365 * 86_400_000 };
/**
 * The longest request-timeout whose late-apply window post can still wait out: post's budget
 * (POST_BUDGET_MS, 50 s) less the 2 s it keeps for its last look (create-post.ts) is 48 s, and
 * the window is request-timeout plus a margin of half of it, at least 10 s (lateApplyMarginMs,
 * step-keys.ts): 32 s + 16 s = 48 s. A longer one gets a warning in create mode.
 */
const POST_COVERED_REQUEST_TIMEOUT_MS = 32_000;
/** What post can wait for a late apply: its 50 s budget less the 2 s kept for its last look. */
const POST_LATE_APPLY_WAIT_MS = 48_000;
const REQUEST_TIMEOUT_RANGE_MS = { min: 100, max: 300_000 };
const GRACE_RANGE_MS = { min: 0, max: 365 * 86_400_000 };
const SWEEP_BUDGET_RANGE_MS = { min: 1000, max: 6 * 3_600_000 };
const CREATE_BUDGET_RANGE_MS = { min: 1000, max: 6 * 3_600_000 };
const KEEP_PREVIOUS_RANGE = { min: 0, max: 10 };
const MAX_ATTEMPTS_RANGE = { min: 1, max: 100 };
/** GitHub runs at most 256 jobs per matrix; a wider range leaves room for anything else. */
const JOB_TOTAL_RANGE = { min: 1, max: 100_000 };
class InputError extends Error {
    problems;
    constructor(problems) {
        super(problems.length === 1
            ? (problems[0] ?? '')
            : `${problems.length} inputs are wrong:\n- ${problems.join('\n- ')}`);
        this.problems = problems;
    }
}


/***/ }),

/***/ 200:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   GQ: () => (/* binding */ removeExportedConfig),
/* harmony export */   TS: () => (/* binding */ saveEveryStateName),
/* harmony export */   Vh: () => (/* binding */ readJson),
/* harmony export */   c4: () => (/* binding */ STATE),
/* harmony export */   jN: () => (/* binding */ readKeyId),
/* harmony export */   k7: () => (/* binding */ NO_KEY_MODE)
/* harmony export */ });
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4852);
/* harmony import */ var _core_network_fingerprint_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(2172);


/**
 * Every name the post step reads from state, in one table, and main's first act: saving each of
 * them. The runner starts a post step's environment from the env context, where any step of the
 * job can put `STATE_<name>` lines through `$GITHUB_ENV`, and then applies `STATE_<name>` only for
 * the names main saved (actions/runner `src/Runner.Worker/ActionRunner.cs`, "Apply action's
 * intra-action state at last"; docs/runner-protocol.md). A name main saved, even as '', therefore
 * always reaches post with main's value; a name it did not save can be anything another step
 * wrote. So main saves every name here before it reads a single input, in every mode and path.
 * Nothing here is secret: the runner logs state with debug on.
 */
const STATE = {
    /** 'none' until main makes or asks for a key: 'create', 'rotated' or 'broker'. */
    mode: 'mode',
    /** {@link CreateState} as JSON. */
    create: 'create',
    /** The id of the key main made (create, rotate) or got (broker): a positive integer. */
    keyId: 'key-id',
    /** 'true' while a create may have made a key whose id we do not know (post looks by name). */
    pending: 'create-pending',
    /** When the latest create request was sent (epoch ms), saved before it goes out. */
    sentAt: 'create-sent-at',
    /**
     * When the last create request that got no answer was sent (epoch ms); saved when main knows.
     * Until `request-timeout` (and a margin) after it, Vast may still apply that request.
     */
    uncertainAt: 'create-uncertain-at',
    /** The file export-config wrote (config-file.ts `WrittenFile`, as JSON). */
    configFile: 'config-file',
    /** {@link BrokerState} as JSON (create mode with broker-url). */
    broker: 'broker',
    /** The digest of what steers main's connections (src/core/network-fingerprint.ts). */
    network: _core_network_fingerprint_js__WEBPACK_IMPORTED_MODULE_1__/* .NETWORK_STATE */ .V$,
    /** The job's instance label (create mode), saved before the key is made (instances-post.ts). */
    instanceLabel: 'instance-label',
};
/** The value of `mode` until main makes a key: the post step has nothing to delete. */
const NO_KEY_MODE = 'none';
/**
 * Main's first act, before inputs are read: every name of {@link STATE} saved with a neutral
 * value (`mode` 'none', the others ''), so no `STATE_*` line another step writes to `$GITHUB_ENV`
 * reaches post. Later saves of the same name replace these (the runner keeps the last).
 */
function saveEveryStateName(runner) {
    for (const name of Object.values(STATE)) {
        runner.saveState(name, name === STATE.mode ? NO_KEY_MODE : '');
    }
}
/** A state value written as JSON; undefined when absent or unreadable. */
function readJson(raw) {
    if (!raw)
        return undefined;
    try {
        return JSON.parse(raw);
    }
    catch {
        return undefined;
    }
}
/**
 * A key id as main saves it: '' (no key) gives `undefined`; a positive safe integer in plain
 * decimal gives the number; anything else gives 'invalid' (main never writes that: post then
 * deletes nothing on its word).
 */
function readKeyId(raw) {
    if (raw === '')
        return undefined;
    if (!/^[1-9]\d{0,15}$/.test(raw))
        return 'invalid';
    const id = Number(raw);
    return Number.isSafeInteger(id) ? id : 'invalid';
}
/** Removes the file export-config wrote in main, if it is still that file. */
function removeExportedConfig(runner) {
    const file = readJson(runner.getState(STATE.configFile));
    if (!file)
        return;
    try {
        const result = (0,_config_file_js__WEBPACK_IMPORTED_MODULE_0__/* .removeConfigFile */ .X7)(file);
        if (result === 'removed')
            runner.info(`Removed ${file.path}.`);
        if (result === 'replaced') {
            runner.warning(`${file.path} is no longer the file this action wrote; left it alone.`);
        }
        if (result === 'refused') {
            runner.warning(`The saved config file path (${String(file.path)}) is not a key file this action writes (…/vastai/vast_api_key); left it alone.`);
        }
    }
    catch (error) {
        runner.warning(`Could not remove ${file.path}: ${error.code ?? 'error'}`);
    }
}


/***/ }),

/***/ 7599:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   KU: () => (/* binding */ graceSignals),
/* harmony export */   ju: () => (/* binding */ failOnUncaught),
/* harmony export */   uT: () => (/* binding */ GraceBudget),
/* harmony export */   vb: () => (/* binding */ CANCEL_CLEANUP_BUDGET_MS),
/* harmony export */   w6: () => (/* binding */ cancellationSignal)
/* harmony export */ });
/* unused harmony export RUNNER_SIGTERM_AFTER_MS */
/**
 * The runner's cancellation (actions/runner, runner-protocol.md): SIGINT, then SIGTERM 7.5 s
 * later, then a kill 2.5 s after that.
 */
const RUNNER_SIGTERM_AFTER_MS = 7_500;
/** What a step may use of the runner's grace after SIGINT: 1 s is kept for writing and exit. */
const CANCEL_CLEANUP_BUDGET_MS = RUNNER_SIGTERM_AFTER_MS - 1_000;
/**
 * Cancellation as the runner does it: SIGINT, then SIGTERM 7.5 s later, then a kill. The first
 * signal aborts what is in flight so the step can clean up quickly; a second one ends the process.
 */
function cancellationSignal(onCancel = () => { }, target = process) {
    const controller = new AbortController();
    const handle = (signal) => {
        if (controller.signal.aborted) {
            target.exit(1);
            return;
        }
        onCancel(signal);
        controller.abort(new Error(`received ${signal}`));
    };
    target.on('SIGINT', handle);
    target.on('SIGTERM', handle);
    return controller.signal;
}
/**
 * What Node itself would print to stderr, around the runner's chokepoint, with text that may come
 * from outside: an error nothing caught (a library's timer, a stray rejection) fails the step
 * through `fail`, and the process ends; a process warning (a library's `emitWarning`, such as a
 * YAML parser quoting its input) goes to `debug` instead of Node's default printer.
 */
function failOnUncaught(fail, debug, target = process) {
    target.removeAllListeners('warning');
    target.on('warning', (warning) => debug(`${warning.name}: ${warning.message}`));
    const handle = (error) => {
        const message = error instanceof Error ? error.message : String(error);
        fail(`Unexpected error: ${message}`, error instanceof Error ? error.stack : undefined);
        target.exit(1);
    };
    target.on('uncaughtException', handle);
    target.on('unhandledRejection', handle);
}
/**
 * The post step's budget under cancellation. The post step deletes what main made, so a cancel
 * does not stop it: SIGINT shortens its budget to the runner's grace ({@link
 * CANCEL_CLEANUP_BUDGET_MS} from the signal), and `signal` aborts what is in flight only when that
 * grace ends or SIGTERM comes. A further signal after that ends the process.
 */
class GraceBudget {
    #controller = new AbortController();
    #now;
    #deadline;
    #timer;
    /** When SIGINT (or the first signal) came, epoch ms. */
    interruptedAt;
    constructor(budgetMs, now = Date.now) {
        this.#now = now;
        this.#deadline = now() + budgetMs;
    }
    /** Nothing may be sent past this moment (epoch ms); it moves earlier on SIGINT. */
    deadline() {
        return this.#deadline;
    }
    /** Aborted when the grace after SIGINT ends, or at SIGTERM. */
    get signal() {
        return this.#controller.signal;
    }
    /** Applies a signal at `at` (epoch ms); returns false when the process should end now. */
    receive(name, at = this.#now()) {
        if (this.#controller.signal.aborted)
            return false;
        if (name === 'SIGTERM') {
            this.#abort(name);
            return true;
        }
        if (this.interruptedAt !== undefined)
            return true;
        this.interruptedAt = at;
        this.#deadline = Math.min(this.#deadline, at + CANCEL_CLEANUP_BUDGET_MS);
        this.#timer = setTimeout(() => this.#abort('the end of the grace after SIGINT'), Math.max(0, this.#deadline - this.#now()));
        this.#timer.unref();
        return true;
    }
    #abort(reason) {
        clearTimeout(this.#timer);
        this.#controller.abort(new Error(`received ${reason}`));
    }
}
/**
 * Installs the post step's handlers on `budget`, then hands over from the early ones and replays
 * what they caught. `onSignal` is told of each signal.
 */
function graceSignals(budget, onSignal, early, target = process) {
    const handle = (name, at) => {
        onSignal(name);
        if (!budget.receive(name, at))
            target.exit(1);
    };
    target.on('SIGINT', (name) => handle(name));
    target.on('SIGTERM', (name) => handle(name));
    if (early) {
        early.release();
        for (const { name, at } of early.received)
            handle(name, at);
    }
}


/***/ }),

/***/ 3335:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Sz: () => (/* binding */ checkApiUrl),
/* harmony export */   aK: () => (/* binding */ withoutVastApiPath),
/* harmony export */   cW: () => (/* binding */ isLoopbackHost)
/* harmony export */ });
/**
 * An API base URL (Vast's, GitHub's). A key or token goes wherever this points, so it is checked
 * before any request: https anywhere, plain http only to this machine (the emulator, a local
 * tunnel).
 *
 * "This machine" means a literal loopback address (127.0.0.0/8, ::1) or the name `localhost`,
 * which is pinned to 127.0.0.1 here so that no lookup is made: a resolver or hosts file could
 * send `localhost` elsewhere, and other `*.localhost` names go through DNS in Node (RFC 6761 asks
 * resolvers to answer them with loopback, but nothing on the runner enforces it), so they are
 * refused for plain http.
 */
function isLoopbackHost(hostname) {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
/**
 * Returns the normalised base (no trailing slash, path prefix kept, plain-http `localhost` as
 * 127.0.0.1) or a reason it is refused.
 */
function checkApiUrl(text, example) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        return { problem: `'${text}' is not a URL; use an https URL such as ${example}` };
    }
    if (url.username || url.password) {
        return { problem: 'it must not carry credentials; keys and tokens go in their own inputs' };
    }
    if (url.search || url.hash)
        return { problem: 'it must not have a query string or a fragment' };
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
        const sub = url.hostname.toLowerCase().endsWith('.localhost')
            ? `; ${url.hostname} is not a loopback address (it would be looked up through DNS)`
            : '';
        return {
            problem: `plain http is only allowed to this machine (127.0.0.1, [::1] or localhost)${sub}; use https://${url.host}${url.pathname === '/' ? '' : url.pathname}`,
        };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        return { problem: `'${url.protocol}' is not supported; use https://` };
    }
    if (url.protocol === 'http:' && url.hostname.toLowerCase() === 'localhost') {
        url.hostname = '127.0.0.1';
    }
    return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}
/** The path Vast's docs write after the host; the client adds it to every route itself. */
const VAST_API_PATH = /\/api\/v0\/*$/i;
/**
 * `api-url` as Vast's API docs write the base (`https://console.vast.ai/api/v0/`): without this,
 * requests would go to `/api/v0/api/v0/...`. Returns the base without it, or undefined when the
 * URL does not end so.
 */
function withoutVastApiPath(url) {
    return VAST_API_PATH.test(url) ? url.replace(VAST_API_PATH, '') : undefined;
}


/***/ }),

/***/ 8571:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   E: () => (/* binding */ parseDuration),
/* harmony export */   a: () => (/* binding */ formatDuration)
/* harmony export */ });
const UNIT_MS = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
};
const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;
/** Parses `30s`, `15m`, `6h`, `2d`, `1h30m` or `500ms` into milliseconds; undefined when malformed. */
function parseDuration(text) {
    const value = text.trim().toLowerCase();
    if (!DURATION.test(value))
        return undefined;
    let total = 0;
    for (const [, amount, unit] of value.matchAll(PART)) {
        total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
    }
    return Number.isSafeInteger(total) ? total : undefined;
}
/** Formats milliseconds the way users write them: `6h`, `1h30m`, `45s`, `250ms`. */
function formatDuration(ms) {
    if (ms <= 0)
        return '0s';
    const parts = [];
    let rest = ms;
    for (const unit of ['d', 'h', 'm', 's', 'ms']) {
        const size = UNIT_MS[unit] ?? 1;
        const amount = Math.floor(rest / size);
        if (amount > 0) {
            parts.push(`${amount}${unit}`);
            rest -= amount * size;
        }
    }
    return parts.join('');
}


/***/ }),

/***/ 1394:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Bl: () => (/* binding */ rotationTargetId),
/* harmony export */   nE: () => (/* binding */ isoSeconds),
/* harmony export */   rn: () => (/* binding */ MAX_LABEL_LENGTH),
/* harmony export */   vN: () => (/* binding */ deadlineFrom),
/* harmony export */   wN: () => (/* binding */ parseKeyName),
/* harmony export */   yv: () => (/* binding */ formatKeyName)
/* harmony export */ });
/* unused harmony export MAX_NAME_LENGTH */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);

/**
 * The managed key name: the only place a Vast key can carry its owner, its kind and its deadline,
 * since the API has no expiry and its list shows no creation time (vast-api.md, E2). A later
 * sweep, rotation or post step reads it back.
 *
 *   gha-train [vsk2 m=job exp=20261122T150000Z repo=octo-org/gpu-trainer run=1234567890-1 job=train n=3fa9c2]
 *   nightly [vsk2 m=rot exp=20261222T150000Z repo=octo-org/gpu-trainer run=77-1 job=rotate t=9f86d081884c n=7c1e]
 *
 * - `m=` the kind of key, which decides who may delete it before its deadline:
 *   `job` (create mode, deleted by its post step), `keep` (create mode with `revoke: never`: lives
 *   to its deadline), `rot` (rotate mode: retired only by a rotation of the same target).
 * - `t=` (rotation keys only): 12 hex characters of SHA-256 over the rotation's target (see
 *   {@link rotationTargetId}), so two targets that share a label never retire each other's keys.
 * - `n=` a random id per step run, saved in the step's state before the create is sent: it tells
 *   apart the steps of one job (matrix legs share the job id).
 *
 * Names made before `vsk2` (`[vsk1 exp=… repo=… run=… job=… n=…]`) still parse, as kind `legacy`:
 * a sweep ends them at their deadline, and nothing else deletes them early.
 *
 * The human part (the label) comes first so the Vast dashboard stays readable; the bracket is
 * parsed from the end, so the label may hold any printable text.
 */
/** Vast's limit on a key name (vast-api.md, E1: `name` max 255). */
const MAX_NAME_LENGTH = 255;
const MAX_LABEL_LENGTH = 100;
const TAIL_V2 = / \[vsk2 m=(job|keep|rot) exp=(\d{8}T\d{6}Z) repo=([^\s\]]+) run=(\d+)-(\d+) job=([^\s\]]+)(?: t=([0-9a-f]{12}))? n=([0-9a-f]+)\]$/;
const TAIL_V1 = / \[vsk1 exp=(\d{8}T\d{6}Z) repo=([^\s\]]+) run=(\d+)-(\d+) job=([^\s\]]+) n=([0-9a-f]+)\]$/;
function compactTime(date) {
    return date
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z')
        .replace(/[-:]/g, '');
}
function parseCompactTime(text) {
    const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(9, 11)}:${text.slice(11, 13)}:${text.slice(13, 15)}Z`;
    return new Date(iso);
}
/** Replaces characters that would make the name unreadable or unparseable. */
function clean(text, pattern) {
    return text.replace(pattern, '-');
}
/**
 * The identity of a rotation target as 12 lower-case hex characters (48 bits of SHA-256).
 * `parts` are, in order, whatever names the secret: scope, organisation, environment, secret name.
 * Case-folded, since GitHub treats these names case-insensitively.
 */
function rotationTargetId(parts) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256')
        .update(JSON.stringify(parts.map((part) => part.toLowerCase())))
        .digest('hex')
        .slice(0, 12);
}
/**
 * Writes a `vsk2` name of at most {@link MAX_NAME_LENGTH} characters. When the name would be too
 * long, the job id is cut first (it is informational), then the label; never the fields that a
 * sweep or rotation matches on. Throws when a rotation key has no valid `target`.
 */
function formatKeyName(fields) {
    if (fields.kind === 'rot' ? !/^[0-9a-f]{12}$/.test(fields.target ?? '') : fields.target) {
        throw new Error('formatKeyName: a target is required for rotation keys, and only for them');
    }
    const repository = clean(fields.repository, /[^\w.\-/]/g);
    const target = fields.kind === 'rot' ? ` t=${fields.target}` : '';
    const tail = (job) => ` [vsk2 m=${fields.kind} exp=${compactTime(fields.expiresAt)} repo=${repository} run=${fields.runId}-${fields.runAttempt} job=${job}${target} n=${fields.nonce}]`;
    const room = MAX_NAME_LENGTH - tail('').length;
    let label = clean(fields.label, /[\p{Cc}\p{Cf}]/gu);
    let job = clean(fields.job, /[^\w.-]/g) || 'job';
    if (label.length + job.length > room)
        job = job.slice(0, Math.max(1, room - label.length));
    if (label.length + job.length > room)
        label = label.slice(0, Math.max(0, room - job.length));
    return `${label}${tail(job)}`;
}
/** Reads a managed name back (`vsk2`, or `vsk1` as kind `legacy`); `undefined` for any other. */
function parseKeyName(name) {
    // formatKeyName never writes control characters; a name that has them was not made by this
    // action (and printing it could smuggle a workflow command into the log).
    if (/[\p{Cc}\p{Cf}]/u.test(name))
        return undefined;
    const v2 = TAIL_V2.exec(name);
    const v1 = v2 ? undefined : TAIL_V1.exec(name);
    const match = v2 ?? v1;
    if (!match)
        return undefined;
    const [kind, exp, repository, runId, runAttempt, job, target, nonce] = v2
        ? v2.slice(1)
        : ['legacy', ...match.slice(1, 6), undefined, match[6]];
    const expiresAt = parseCompactTime(exp ?? '');
    if (Number.isNaN(expiresAt.getTime()))
        return undefined;
    const fields = {
        label: name.slice(0, match.index),
        kind: kind,
        expiresAt,
        repository: repository ?? '',
        runId: runId ?? '',
        runAttempt: runAttempt ?? '',
        job: job ?? '',
        nonce: nonce ?? '',
    };
    if (target)
        fields.target = target;
    // A rotation key without its target (or any other key with one) was not written by this action.
    if ((fields.kind === 'rot') !== (target !== undefined))
        return undefined;
    return fields;
}
/** ISO 8601 without milliseconds: the deadline as the name stores it. */
function isoSeconds(date) {
    return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
/** The deadline at whole seconds, as it can be read back from the name. */
function deadlineFrom(now, ttlMs) {
    return new Date(Math.ceil((now.getTime() + ttlMs) / 1000) * 1000);
}


/***/ }),

/***/ 2172:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   K4: () => (/* binding */ extraCaBytes),
/* harmony export */   V$: () => (/* binding */ NETWORK_STATE),
/* harmony export */   bT: () => (/* binding */ systemCas),
/* harmony export */   j8: () => (/* binding */ networkFingerprint),
/* harmony export */   v8: () => (/* binding */ checkNetwork)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);


/**
 * The network a step sees: a fingerprint of every setting that steers where its bytes go or which
 * certificates it trusts. Main saves it (state {@link NETWORK_STATE}, first thing, in every mode);
 * post computes it again and sends no secret (parent key, OIDC request token) when it differs or
 * is missing: a later step of the job can append any of these variables to `$GITHUB_ENV`, and the
 * runner hands them to post (actions/runner `FileCommandManager.cs` refuses only NODE_OPTIONS).
 *
 * Counted (each by name, set or not, and a digest of its value; never the value itself, as a proxy
 * URL can hold credentials):
 * - proxies: `https_proxy`, `HTTPS_PROXY`, `http_proxy`, `HTTP_PROXY`, `no_proxy`, `NO_PROXY`
 *   (src/core/proxy-env.ts; `ALL_PROXY` is not honoured, so not counted), `NODE_USE_ENV_PROXY`,
 *   and `GLOBAL_AGENT_*` (the global-agent package's variables);
 * - trust: `NODE_EXTRA_CA_CERTS` and `SSL_CERT_FILE` (the path and the file's content), the
 *   system's CA certificates themselves when Node uses them ({@link systemCas}),
 *   `SSL_CERT_DIR`, `NODE_USE_SYSTEM_CA`, `NODE_TLS_REJECT_UNAUTHORIZED` (the action verifies
 *   certificates whatever it says; a change is still a sign of a step at work), `OPENSSL_CONF`,
 *   `OPENSSL_MODULES`;
 * - name resolution: `HOSTALIASES`, `LOCALDOMAIN`, `RES_OPTIONS` (glibc's resolver reads them);
 * - `NODE_OPTIONS` (its flags: `--use-openssl-ca`, `--require`, ...; `$GITHUB_ENV` cannot set
 *   it, a job's `env:` can, for both steps alike).
 * A value that holds URL credentials (`//user:secret@`) is digested with scrypt, so that the
 * state, which the runner logs with debug on, gives no fast way to guess a proxy password.
 */
/** The state name main saves the fingerprint under. */
const NETWORK_STATE = 'network';
const NAMES = [
    'https_proxy',
    'HTTPS_PROXY',
    'http_proxy',
    'HTTP_PROXY',
    'no_proxy',
    'NO_PROXY',
    'NODE_USE_ENV_PROXY',
    'NODE_EXTRA_CA_CERTS',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    'NODE_USE_SYSTEM_CA',
    'NODE_TLS_REJECT_UNAUTHORIZED',
    'OPENSSL_CONF',
    'OPENSSL_MODULES',
    'HOSTALIASES',
    'LOCALDOMAIN',
    'RES_OPTIONS',
    'NODE_OPTIONS',
];
const PREFIXES = ['GLOBAL_AGENT_'];
/** Variables naming a file whose content is counted too. */
const FILES = new Set(['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE']);
/** A CA bundle is far smaller; past this, a digest of the first bytes and the size. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
function digest(name, value) {
    const material = `${name}\0${value}`;
    if (/\/\/[^/@\s]*:[^/@\s]*@/.test(value)) {
        return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.scryptSync)(material, 'vast-scoped-key network', 12, { N: 1 << 14 }).toString('hex');
    }
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(material).digest('hex').slice(0, 24);
}
/**
 * The bytes of each counted file, read once per environment object (in a step: `process.env`):
 * the fingerprint digests them and the transport trusts exactly them ({@link extraCaBytes}).
 * Node reads NODE_EXTRA_CA_CERTS lazily, when TLS is first used; reading the path twice would
 * let a process another step started serve one content to the check and another to the
 * connection (a FIFO or a rewrite at the same path).
 */
const reads = new WeakMap();
function readOnce(env, path) {
    let files = reads.get(env);
    if (!files)
        reads.set(env, (files = new Map()));
    let read = files.get(path);
    if (read === undefined) {
        try {
            read = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(path);
        }
        catch (error) {
            read = error;
        }
        files.set(path, read);
    }
    return read;
}
/**
 * The content of `NODE_EXTRA_CA_CERTS` as the fingerprint saw it (the same bytes, read once), or
 * undefined when it is unset, empty or unreadable. The transport gives these to every TLS
 * connection as the extra CAs, in place of Node's own (lazy, second) read of the path.
 */
function extraCaBytes(env) {
    const path = env['NODE_EXTRA_CA_CERTS'];
    if (!path)
        return undefined;
    const read = readOnce(env, path);
    return Buffer.isBuffer(read) ? read : undefined;
}
/** Whether Node trusts the system's CAs: `NODE_USE_SYSTEM_CA=1` or `--use-system-ca`. */
function systemOn(env) {
    return (env['NODE_USE_SYSTEM_CA'] === '1' || (env['NODE_OPTIONS'] ?? '').includes('--use-system-ca'));
}
const systemReads = new WeakMap();
/**
 * The system's CA certificates (PEM) when Node uses them ({@link systemOn}), read once per
 * environment object, or undefined. On Linux they come from OpenSSL's default file and directory
 * (`SSL_CERT_FILE`, `SSL_CERT_DIR`, else /etc/ssl/certs), whose content a later step can change
 * at the same path: the fingerprint digests this list and the transport trusts exactly it.
 * Source: Node's tls docs (`getCACertificates('system')`, Node 22.15 / 23.10 and later).
 */
function systemCas(env) {
    if (!systemOn(env))
        return undefined;
    let list = systemReads.get(env);
    if (!list) {
        const tls = process.getBuiltinModule('node:tls');
        list = typeof tls.getCACertificates === 'function' ? tls.getCACertificates('system') : [];
        systemReads.set(env, list);
    }
    return list;
}
function fileDigest(env, path) {
    const content = readOnce(env, path);
    if (Buffer.isBuffer(content)) {
        return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256')
            .update(content.subarray(0, MAX_FILE_BYTES))
            .update(String(content.length))
            .digest('hex')
            .slice(0, 24);
    }
    return `unreadable:${content.code ?? 'error'}`;
}
/**
 * The fingerprint of `env`: `v1` and one `NAME=digest` per set variable (then `seal=` an HMAC of
 * it all keyed with `seal`, when given) (empty included: an empty
 * `no_proxy` means something), sorted; a counted file adds `NAME#content=digest`. Never holds a
 * value. Reads the files named by NODE_EXTRA_CA_CERTS and SSL_CERT_FILE once per `env` object
 * (later calls with the same object digest the same bytes); throws nothing.
 */
function networkFingerprint(env, seal = '') {
    const entries = [];
    const names = new Set(NAMES);
    for (const name of Object.keys(env)) {
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && PREFIXES.some((p) => name.startsWith(p))) {
            names.add(name);
        }
    }
    for (const name of [...names].sort()) {
        const value = env[name];
        if (value === undefined)
            continue;
        entries.push(`${name}=${digest(name, value)}`);
        if (FILES.has(name) && value)
            entries.push(`${name}#content=${fileDigest(env, value)}`);
    }
    const system = systemCas(env);
    if (system) {
        const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256');
        for (const pem of system)
            hash.update(pem).update('\0');
        entries.push(`NODE_USE_SYSTEM_CA#system=${hash.digest('hex').slice(0, 24)}`);
    }
    const print = ['v1', ...entries].join(' ');
    if (!seal)
        return print;
    // Keyed with the parent key (the admin-api-key input, which $GITHUB_ENV cannot change): a step
    // that forges STATE_network, when main never ran to save it (Node can be made to exit at
    // start-up, before any of the action's code), cannot make one that post accepts.
    return `${print} seal=${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHmac)('sha256', seal).update(print).digest('hex').slice(0, 32)}`;
}
/**
 * Whether post may send a secret: `{ ok: true }` when `saved` (main's fingerprint) equals this
 * environment's, sealed with the same `seal` (the admin-api-key input; '' in broker mode), else the reason in words (the variables that differ, by name only).
 */
function checkNetwork(saved, env, seal = '') {
    if (!saved) {
        return {
            ok: false,
            reason: 'the main step recorded no network fingerprint (it always does: this state was not written by this action)',
        };
    }
    const now = networkFingerprint(env, seal);
    if (saved === now)
        return { ok: true };
    const parse = (text) => new Map(text
        .split(' ')
        .slice(1)
        .map((entry) => entry.split('=')));
    const before = parse(saved);
    const after = parse(now);
    const changed = [...new Set([...before.keys(), ...after.keys()])]
        .filter((name) => before.get(name) !== after.get(name))
        // The seal changes with any entry: named only when it alone differs.
        .filter((name, _, all) => name !== 'seal' || all.length === 1)
        .map((name) => name === 'seal'
        ? "the fingerprint's seal: not written by this action's main step"
        : name.replace('#content', ' (file content)').replace('#system', " (the system's CAs)"))
        .filter((name, i, all) => all.indexOf(name) === i)
        .sort();
    const names = changed.length > 0 ? changed.join(', ') : 'the fingerprint format';
    return {
        ok: false,
        reason: `the job's network settings changed after the main step (${names.slice(0, 300)}): a later step wrote them, and no secret is sent over a network the main step did not see`,
    };
}


/***/ }),

/***/ 5359:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Ig: () => (/* binding */ indentedWithTabs),
/* harmony export */   Ix: () => (/* binding */ booleanFormMessage),
/* harmony export */   au: () => (/* binding */ didYouMean),
/* harmony export */   g4: () => (/* binding */ forbiddenKeyPath),
/* harmony export */   j8: () => (/* binding */ looksLikePath),
/* harmony export */   nB: () => (/* binding */ pathMessage),
/* harmony export */   vp: () => (/* binding */ TABS_MESSAGE)
/* harmony export */ });
/* unused harmony export FORBIDDEN_KEYS */
/**
 * Help for the first mistakes made with the `permissions` input: near-miss names, a file path
 * given instead of the content, YAML indented with tabs, the boolean form one Vast guide shows,
 * and keys that would reach an object's prototype. Every function here only builds text or
 * refuses; parsing itself is in permissions.ts.
 */
/** Keys that JavaScript objects treat specially: refused at any depth of a permissions value. */
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];
/**
 * The path of the first forbidden key in a parsed JSON or YAML value (`api.instance_read`), or
 * undefined. `JSON.parse` and the yaml package both keep `__proto__` as an own key, so without
 * this a `{"__proto__": {}}` inside a category would replace the prototype of the copy being built
 * and widen a narrowed category to the whole one.
 */
function forbiddenKeyPath(value, at = '') {
    if (typeof value !== 'object' || value === null)
        return undefined;
    for (const key of Object.keys(value)) {
        const path = at ? `${at}.${key}` : key;
        if (FORBIDDEN_KEYS.includes(key))
            return path;
        const found = forbiddenKeyPath(value[key], path);
        if (found)
            return found;
    }
    return undefined;
}
/** Edit distance, for "did you mean". */
function distance(a, b) {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length] ?? 0;
}
/**
 * The known name `name` was probably meant to be: the same up to case and `-`/`_`, else the one
 * closest within two edits (only for names of four letters or more).
 */
function didYouMean(name, known) {
    const plain = (text) => text.toLowerCase().replace(/[-_\s]/g, '');
    const same = known.find((k) => plain(k) === plain(name));
    if (same)
        return same;
    if (name.length < 4)
        return undefined;
    let best;
    let bestDistance = 3;
    for (const k of known) {
        const d = distance(plain(name), plain(k));
        if (d < bestDistance) {
            best = k;
            bestDistance = d;
        }
    }
    return best;
}
/** A value such as `perms.json`, `./ci/vast.yml` or `.github/permissions`: a path, not content. */
function looksLikePath(value) {
    if (/[\s{}:,]/.test(value))
        return false;
    return /\.(json|ya?ml|txt)$/i.test(value) || /^(\.{0,2}\/|~\/)/.test(value) || value.includes('/');
}
function pathMessage(value, presets) {
    return (`'${value}' looks like a file path; the action does not read files. Pass the content itself: ` +
        `a preset (${presets.join(', ')}), a list such as instance_read, instance_write, or the JSON or YAML text, ` +
        'for example from a repository variable (permissions: ${{ vars.VAST_PERMISSIONS }}) or from an earlier step ' +
        '(run: echo "json=$(jq -c . perms.json)" >> "$GITHUB_OUTPUT", then permissions: ${{ steps.<id>.outputs.json }})');
}
/** YAML given with tab indentation: the yaml package refuses it with a less helpful message. */
function indentedWithTabs(value) {
    return !value.startsWith('{') && /(^|\n)[ ]*\t/.test(value);
}
const TABS_MESSAGE = 'it is YAML indented with tabs, and YAML allows only spaces for indentation: indent with spaces (two per level), or write it as JSON';
/** What a boolean-form name most likely asks for, as API categories. */
const INTENTS = [
    [/instance|template|volume|ssh|offer/, 'instance_read', 'instance_write'],
    [/billing|credit|invoice|payment|earning/, 'billing_read', 'billing_write'],
    [/machine|host/, 'machine_read', 'machine_write'],
    [/team/, 'team_read', 'team_write'],
    [/agent/, 'agents_read', 'agents_write'],
    [/user|account|key|profile/, 'user_read', 'user_write'],
];
const WRITES = /manage|write|create|destroy|delete|edit|start|stop|rent|launch|change|modify|set/;
/**
 * Detects the boolean form (`{"manage_instances": true, "read_billing": false}`) and says what the
 * API expects instead, with the categories the true names most likely mean. The form comes from
 * a Vast guide; the API refuses it with 400 invalid_permissions (vast-api.md [wire]).
 */
function booleanFormMessage(api, categories, presets) {
    const entries = Object.entries(api);
    if (!entries.some(([, value]) => typeof value === 'boolean'))
        return undefined;
    const wanted = new Set();
    for (const [name, value] of entries) {
        if (value !== true)
            continue;
        const lower = name.toLowerCase();
        if (categories.includes(lower)) {
            wanted.add(lower);
            continue;
        }
        for (const [pattern, read, write] of INTENTS) {
            if (!pattern.test(lower))
                continue;
            wanted.add(read);
            if (WRITES.test(lower))
                wanted.add(write);
            if (read === 'instance_read')
                wanted.add('misc');
            break;
        }
    }
    const chosen = categories.filter((c) => wanted.has(c));
    const shown = Object.keys(api)
        .filter((k) => typeof api[k] === 'boolean')
        .slice(0, 3)
        .map((k) => `"${k}": ${String(api[k])}`)
        .join(', ');
    let text = `it is in the boolean form ({${shown}}) that one Vast guide shows, which the API refuses (400 invalid_permissions). The API maps each category to {} (all of it) or to its allowed actions`;
    if (chosen.length === 0)
        return `${text}, e.g. {"api":{"instance_read":{}}}`;
    const example = JSON.stringify({ api: Object.fromEntries(chosen.map((c) => [c, {}])) });
    text += `. From what this asks for: ${example}`;
    const preset = Object.entries(presets).find(([, p]) => [...p.categories].sort().join() === [...chosen].sort().join());
    if (preset)
        text += `, which is the preset ${preset[0]}`;
    return text;
}


/***/ }),

/***/ 5139:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  LA: () => (/* binding */ PermissionsError),
  cv: () => (/* binding */ parsePermissions),
  FU: () => (/* binding */ permissionsJson),
  vU: () => (/* binding */ sensitiveCategories)
});

// UNUSED EXPORTS: CATEGORIES, MAX_PERMISSIONS_DEPTH, MAX_PERMISSIONS_LENGTH, PRESETS, SENSITIVE_CATEGORIES, validatePermissions

// EXTERNAL MODULE: ./src/core/permissions-help.ts
var permissions_help = __nccwpck_require__(5359);
;// CONCATENATED MODULE: ./src/core/json-problem.ts
/**
 * Explains why a text is not valid JSON in the words of the mistakes people make when they write
 * JSON by hand in workflow YAML: single quotes, a trailing comma, an unquoted name, with the line
 * and column where the parser stopped (1-based). JSON's grammar: RFC 8259 (strings and names take
 * double quotes only; no comma before `}` or `]`).
 *
 * @param text the text given to `JSON.parse`
 * @param error what `JSON.parse` threw (its message carries "at position N" on Node 20 and later)
 * @returns e.g. `line 1, column 2: names and strings take double quotes ("api"), not single quotes`
 */
function explainJsonError(text, error) {
    const message = String(error?.message ?? error).split('\n')[0] ?? '';
    const at = /at position (\d+)/.exec(message);
    const position = at ? Number(at[1]) : text.length;
    const { line, column } = lineAndColumn(text, position);
    const where = `line ${line}, column ${column}`;
    const hint = likelyMistake(text, position);
    return hint ? `${where}: ${hint}` : `${where}: ${message.replace(/ in JSON at position.*$/, '')}`;
}
function lineAndColumn(text, position) {
    const before = text.slice(0, Math.max(0, Math.min(position, text.length)));
    const lines = before.split('\n');
    return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}
function likelyMistake(text, position) {
    const rest = text.slice(position);
    const before = text.slice(0, position);
    if (rest.startsWith("'")) {
        return 'names and strings take double quotes ("api"), not single quotes';
    }
    if (/,\s*$/.test(before) && /^\s*[}\]]/.test(rest)) {
        return 'remove the comma before this closing bracket (JSON allows no trailing comma)';
    }
    if (/^[A-Za-z_]/.test(rest) && /[{,]\s*$/.test(before)) {
        const name = /^[A-Za-z_]\w*/.exec(rest)?.[0] ?? '';
        return `put the name in double quotes ("${name}")`;
    }
    if (position >= text.length) {
        return 'the text ends early: a closing } or ] or a value is missing';
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/core/permissions.ts


const CATEGORIES = [
    'misc',
    'user_read',
    'user_write',
    'instance_read',
    'instance_write',
    'billing_read',
    'billing_write',
    'machine_read',
    'machine_write',
    'team_read',
    'team_write',
    'agents_read',
    'agents_write',
];
/** Categories that let a CI key mint keys, spend money or change the team. */
const SENSITIVE_CATEGORIES = ['user_write', 'billing_write', 'team_write'];
const OPERATORS = new Set(['eq', 'lte', 'gte']);
const PRESETS = {
    'instance-manager': {
        description: 'search offers, create, manage and destroy instances',
        categories: ['misc', 'instance_read', 'instance_write'],
    },
    'instance-reader': {
        description: 'search offers and read instances',
        categories: ['misc', 'instance_read'],
    },
    'read-only': {
        description: 'read instances and machines, search offers',
        categories: ['misc', 'instance_read', 'machine_read'],
    },
    'machine-manager': {
        description: 'hosts: read and manage machines',
        categories: ['misc', 'machine_read', 'machine_write'],
    },
};
/** A `permissions` value that cannot be used; the message says what would be right. */
class PermissionsError extends Error {
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/**
 * The names of a list written as a JSON array (`["instance_read"]`) or a YAML sequence
 * (`- instance_read` lines), which `permissions` does not read; undefined for anything else.
 */
function bracketedNames(value) {
    if (value.startsWith('[')) {
        try {
            const parsed = JSON.parse(value);
            if (Array.isArray(parsed) && parsed.length && parsed.every((n) => typeof n === 'string'))
                return parsed;
        }
        catch {
            return undefined;
        }
        return undefined;
    }
    const lines = value.split('\n').filter((line) => line.trim());
    const items = lines.map((line) => /^\s*-\s+([\w-]+)\s*$/.exec(line)?.[1]);
    return items.every((item) => item !== undefined) ? items : undefined;
}
const EMPTY_ITEM_MESSAGE = 'it is a list with an empty item (a comma at the start or end, or two in a row): write the names separated by commas, like instance_read, instance_write';
/**
 * A preset alone, or names separated by blanks and at most one comma (`instance_read,
 * instance_write`). Read in linear time: one character class, then splits at fixed characters (a
 * single regex with nested blank runs backtracks quadratically: 40,000 blanks took 750 ms).
 */
function nameList(value) {
    if (!/^[\w\s,-]*$/.test(value))
        return undefined;
    const names = [];
    for (const part of value.split(',')) {
        const words = part.split(/\s/).filter(Boolean);
        if (words.length === 0)
            return undefined;
        names.push(...words);
    }
    return names;
}
/**
 * The longest `permissions` value read, in characters. Vast's whole permission shape, every
 * category with every action and a constraint on each, is a few kB; GitHub passes inputs of any
 * length, so a bound keeps a pasted file or a generated value from costing the step its time.
 */
const MAX_PERMISSIONS_LENGTH = 32_768;
/**
 * The deepest nesting accepted in a `permissions` mapping. Vast's shape is at most 6 levels: the
 * root, `api`, a category, an action, `constraints`, a field, and its operator's value (vast-api.md);
 * a few more leave room for a list inside a constraint. Checked before parsing and again on the
 * parsed value, so nothing recurses deeper than this.
 */
const MAX_PERMISSIONS_DEPTH = 10;
const DEPTH_MESSAGE = `it is nested more than ${MAX_PERMISSIONS_DEPTH} levels deep; Vast's permission shape is at most 6 (api, category, action, constraints, field, operator), e.g. {"api":{"instance_write":{"api.instance.destroy":{"constraints":{"id":{"eq":1227}}}}}}`;
/**
 * Nesting of `{`/`[` in JSON or YAML flow text: a depth past `limit` as soon as one is reached,
 * else 0. One pass, no recursion. Brackets inside quoted strings count too: a YAML plain scalar may hold
 * a lone quote, and no real permissions value holds brackets in its strings.
 */
function bracketDepth(text, limit) {
    let depth = 0;
    for (const c of text) {
        if (c === '{' || c === '[') {
            if (++depth > limit)
                return depth;
        }
        else if (c === '}' || c === ']')
            depth--;
    }
    return 0;
}
/** True when a parsed value nests deeper than `limit` (an explicit stack, no recursion). */
function deeperThan(value, limit) {
    const stack = [[value, 0]];
    for (let item = stack.pop(); item; item = stack.pop()) {
        const [node, depth] = item;
        if (typeof node !== 'object' || node === null)
            continue;
        if (depth + 1 > limit)
            return true;
        for (const child of Object.values(node))
            stack.push([child, depth + 1]);
    }
    return false;
}
/**
 * Reads the `permissions` input: a preset name, a list of categories (`instance_read,
 * instance_write`), JSON, or (through `parseYaml`) a YAML mapping. The `api` wrapper may be left
 * out. The result is validated and normalised (sorted keys). Raises PermissionsError for a value
 * that is none of these, naming every unknown name with a "did you mean" where one is close, and
 * for a file path, tab-indented YAML, the boolean form, `__proto__`, `constructor` or
 * `prototype` keys at any depth, a value longer than {@link MAX_PERMISSIONS_LENGTH} characters and
 * one nested deeper than {@link MAX_PERMISSIONS_DEPTH}.
 */
function parsePermissions(text, parseYaml) {
    const value = text.trim();
    if (!value)
        throw new PermissionsError('it is empty; a key with no permissions is refused');
    // Own keys only: 'toString' or '__proto__' are not presets.
    const preset = Object.hasOwn(PRESETS, value) ? PRESETS[value] : undefined;
    if (preset)
        return fromCategories(preset.categories);
    if (value.length > MAX_PERMISSIONS_LENGTH) {
        throw new PermissionsError(`it is ${value.length} characters long; at most ${MAX_PERMISSIONS_LENGTH} are read (Vast's whole permission shape is a few kB): pass only the categories and actions this job needs`);
    }
    if ((0,permissions_help/* looksLikePath */.j8)(value))
        throw new PermissionsError((0,permissions_help/* pathMessage */.nB)(value, Object.keys(PRESETS)));
    const listed = bracketedNames(value);
    if (listed) {
        throw new PermissionsError(`it is a list in brackets or a YAML sequence; write the names separated by commas, without brackets, quotes or dashes: ${listed.join(', ')}`);
    }
    const names = nameList(value);
    if (names)
        return fromNames(names);
    // Names and commas only, but an item is empty: `instance_read, instance_write,`.
    if (/^[\w\s,-]*$/.test(value))
        throw new PermissionsError(EMPTY_ITEM_MESSAGE);
    if ((0,permissions_help/* indentedWithTabs */.Ig)(value))
        throw new PermissionsError(permissions_help/* TABS_MESSAGE */.vp);
    if (bracketDepth(value, MAX_PERMISSIONS_DEPTH) > MAX_PERMISSIONS_DEPTH) {
        throw new PermissionsError(DEPTH_MESSAGE);
    }
    let parsed;
    if (value.startsWith('{')) {
        try {
            parsed = JSON.parse(value);
        }
        catch (error) {
            throw new PermissionsError(`it is not valid JSON at ${explainJsonError(value, error)}`);
        }
    }
    else if (parseYaml) {
        try {
            parsed = parseYaml(value);
        }
        catch (error) {
            throw new PermissionsError(`it is neither a preset, a category list, JSON nor a YAML mapping (${firstLine(error)})`);
        }
    }
    if (!isObject(parsed)) {
        throw new PermissionsError(`expected a preset (${Object.keys(PRESETS).join(', ')}), a list of categories, or a mapping such as {"api":{"instance_read":{}}}`);
    }
    return validatePermissions(parsed);
}
function firstLine(error) {
    return String(error?.message ?? error).split('\n')[0] ?? '';
}
function fromCategories(categories) {
    return validatePermissions({ api: Object.fromEntries(categories.map((c) => [c, {}])) });
}
const isCategory = (name) => CATEGORIES.includes(name);
/** A list of names: categories only; every unknown one is named, with a suggestion. */
function fromNames(names) {
    const presets = Object.keys(PRESETS);
    if (names.length === 1 && !isCategory(names[0] ?? '')) {
        const name = names[0] ?? '';
        const guess = (0,permissions_help/* didYouMean */.au)(name, [...presets, ...CATEGORIES]);
        throw new PermissionsError(`'${name}' is not a preset nor a category${guess ? `; did you mean ${guess}?` : '.'} Presets: ${presets.join(', ')}; categories: ${CATEGORIES.join(', ')}`);
    }
    const unknown = names.filter((name) => !isCategory(name));
    if (unknown.length > 0) {
        const described = unknown.map((name) => {
            if (Object.hasOwn(PRESETS, name)) {
                return `'${name}' (a preset: use it alone, or list its categories ${PRESETS[name]?.categories.join(', ')})`;
            }
            const guess = (0,permissions_help/* didYouMean */.au)(name, CATEGORIES);
            return `'${name}'${guess ? ` (did you mean ${guess}?)` : ''}`;
        });
        throw new PermissionsError(`${unknown.length === 1 ? 'this name is not a category' : 'these names are not categories'}: ${described.join(', ')}. Categories: ${CATEGORIES.join(', ')}`);
    }
    return fromCategories(names);
}
/**
 * Checks the shape against vast-api.md and returns a normalised copy. Raises PermissionsError
 * naming every unknown category, for the boolean form, and for forbidden keys.
 */
function validatePermissions(input) {
    if (deeperThan(input, MAX_PERMISSIONS_DEPTH))
        throw new PermissionsError(DEPTH_MESSAGE);
    const forbidden = (0,permissions_help/* forbiddenKeyPath */.g4)(input);
    if (forbidden) {
        const key = forbidden.split('.').pop() ?? '';
        throw new PermissionsError(`the key '${key}' (at ${forbidden}) is not allowed: it is no Vast category, action or field, and JavaScript gives it a special meaning. Remove it`);
    }
    const keys = Object.keys(input);
    const api = keys.length === 1 && keys[0] === 'api' ? input.api : input;
    if (!isObject(api))
        throw new PermissionsError('"api" must be a mapping of categories');
    const booleanForm = (0,permissions_help/* booleanFormMessage */.Ix)(api, CATEGORIES, PRESETS);
    if (booleanForm)
        throw new PermissionsError(booleanForm);
    const categories = Object.keys(api).sort();
    if (categories.length === 0)
        throw new PermissionsError('it grants no category');
    const unknown = categories.filter((category) => !isCategory(category));
    if (unknown.length > 0) {
        const described = unknown.map((name) => {
            const guess = (0,permissions_help/* didYouMean */.au)(name, CATEGORIES);
            return `'${name}'${guess ? ` (did you mean ${guess}?)` : ''}`;
        });
        throw new PermissionsError(`unknown ${unknown.length === 1 ? 'category' : 'categories'} ${described.join(', ')}; known: ${CATEGORIES.join(', ')}`);
    }
    const result = {};
    for (const category of categories)
        result[category] = validateCategory(category, api[category]);
    return { api: result };
}
function validateCategory(category, rule) {
    if (!isObject(rule)) {
        throw new PermissionsError(`'${category}' must be {} (whole category) or a mapping of actions`);
    }
    const result = {};
    for (const action of Object.keys(rule).sort()) {
        const actionRule = rule[action];
        if (!isObject(actionRule)) {
            throw new PermissionsError(`'${category}.${action}' must be {} or {"constraints": {...}}`);
        }
        const extra = Object.keys(actionRule).filter((k) => k !== 'constraints');
        if (extra.length > 0) {
            throw new PermissionsError(`'${category}.${action}' has '${extra[0]}'; only "constraints" is allowed`);
        }
        result[action] =
            actionRule.constraints === undefined
                ? {}
                : { constraints: validateConstraints(`${category}.${action}`, actionRule.constraints) };
    }
    return result;
}
function validateConstraints(where, constraints) {
    if (!isObject(constraints)) {
        throw new PermissionsError(`'${where}.constraints' must be a mapping of fields`);
    }
    const result = {};
    for (const field of Object.keys(constraints).sort()) {
        const ops = constraints[field];
        if (!isObject(ops) || Object.keys(ops).length === 0) {
            throw new PermissionsError(`constraint '${where}.${field}' must be like {"eq": 1227}`);
        }
        const constraint = {};
        for (const op of Object.keys(ops).sort()) {
            const operand = ops[op];
            if (!OPERATORS.has(op)) {
                throw new PermissionsError(`constraint '${where}.${field}' uses '${op}'; only eq, lte and gte exist`);
            }
            if (typeof operand !== 'number' && typeof operand !== 'string') {
                throw new PermissionsError(`constraint '${where}.${field}.${op}' must be a number or a string`);
            }
            constraint[op] = operand;
        }
        result[field] = constraint;
    }
    return result;
}
function sensitiveCategories(permissions) {
    return SENSITIVE_CATEGORIES.filter((c) => c in permissions.api);
}
/** Canonical JSON (keys sorted at every level by construction). */
function permissionsJson(permissions) {
    return JSON.stringify(permissions);
}


/***/ }),

/***/ 2559:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   z: () => (/* binding */ Secret)
/* harmony export */ });
const inspect = Symbol.for('nodejs.util.inspect.custom');
/**
 * A secret value that cannot be printed by accident: its string, JSON and inspect forms are `***`.
 * Only `reveal()` gives the value, and only the HTTP client and the runner's masking call it.
 */
class Secret {
    #value;
    constructor(value) {
        this.#value = value;
    }
    reveal() {
        return this.#value;
    }
    toString() {
        return '***';
    }
    toJSON() {
        return '***';
    }
    [inspect]() {
        return 'Secret(***)';
    }
}


/***/ }),

/***/ 8849:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   HE: () => (/* binding */ scrubMessage),
/* harmony export */   bD: () => (/* binding */ messageOf),
/* harmony export */   qF: () => (/* binding */ parseJson),
/* harmony export */   u6: () => (/* binding */ networkCause)
/* harmony export */ });
// Reading what Vast (or whatever answered in its place) sent back: JSON or not, the message in it,
// the cause under a network error, and a message made safe to show.
/**
 * Anything shaped like a Vast key, whoever's: 64 hex characters, or `vast-` and letters and digits
 * as Vast's reference shows (vast-api.md). Scrubbed from API messages as well as the parent key.
 */
const KEY_LIKE = /\b[0-9a-f]{64}\b|\bvast-[A-Za-z0-9_-]{16,}/gi;
/**
 * An API message made safe to show: on one line (a newline followed by `::command::` would be
 * read by the runner as a command), without `key` or anything shaped like a key, at most 300
 * characters. The key goes first, then the length: a cut must not leave part of the key behind.
 */
function scrubMessage(message, key) {
    const oneLine = message?.replace(/[\p{Cc}\p{Cf}]+/gu, ' ');
    const scrubbed = oneLine && key ? oneLine.split(key).join('***') : oneLine;
    return scrubbed?.replace(KEY_LIKE, '***').slice(0, 300);
}
/** The parsed JSON value, or undefined when the text is not JSON. */
function parseJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
/** Vast errors carry `msg`, sometimes `message`, `detail` or `error`; a 429 may be plain text. */
function messageOf(data, text) {
    if (typeof data === 'object' && data !== null) {
        const record = data;
        for (const field of ['msg', 'message', 'detail', 'error']) {
            const value = record[field];
            if (typeof value === 'string' && value)
                return value.slice(0, 4000);
        }
        return undefined;
    }
    if (typeof data === 'string')
        return data.slice(0, 4000);
    const plain = text.trim();
    return plain && !plain.startsWith('<') ? plain.split('\n')[0]?.slice(0, 4000) : undefined;
}
/** The error code and message under fetch's "fetch failed" (or Node's own error). */
function networkCause(error) {
    let current = error;
    for (let depth = 0; depth < 4 && current; depth++) {
        const { code, message } = current;
        if (typeof code === 'string') {
            // A proxy URL in a message could carry credentials: drop them.
            const text = typeof message === 'string' ? message.replace(/\/\/[^/\s@]*@/g, '//***@') : '';
            return { code, message: text.slice(0, 200) };
        }
        current = current.cause;
    }
    return { code: 'unknown', message: '' };
}


/***/ }),

/***/ 9867:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   h: () => (/* binding */ VastApiError)
/* harmony export */ });
/**
 * An error from the Vast API, built only from the operation, the HTTP status and the API's own
 * message: never from headers or request bodies, so it cannot carry a key.
 */
class VastApiError extends Error {
    operation;
    kind;
    status;
    apiMessage;
    /** Worth another attempt (429, 5xx, network, timeout). */
    retryable;
    /**
     * The request may have been applied although no usable answer came back (a reset or timeout after
     * sending, a 5xx from the edge, a 200 that cannot be read). A non-idempotent call must find out
     * before it is sent again.
     */
    ambiguous;
    /** How long the API asked us to wait (a Retry-After header). */
    retryAfterMs;
    /** The route's minimum interval as a 429's body names it (`threshold=2.0`). */
    intervalMs;
    /**
     * The refusal came from something in front of Vast's API (a CDN, WAF or proxy: a 403 with an
     * HTML or empty body rather than Vast's JSON error), so it says nothing about the key.
     */
    edge;
    constructor(fields) {
        const status = fields.status === undefined ? '' : `HTTP ${fields.status}`;
        const said = fields.apiMessage ? `: ${fields.apiMessage}` : '';
        const detail = fields.detail ?? '';
        super(`${fields.operation} failed: ${[status, detail].filter(Boolean).join(', ')}${said}`);
        this.name = 'VastApiError';
        this.operation = fields.operation;
        this.kind = fields.kind;
        this.status = fields.status;
        this.apiMessage = fields.apiMessage;
        this.retryable = fields.retryable;
        this.ambiguous = fields.ambiguous;
        this.retryAfterMs = fields.retryAfterMs;
        this.intervalMs = fields.intervalMs;
        this.edge = fields.edge ?? false;
    }
}


/***/ }),

/***/ 3112:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Hy: () => (/* binding */ createFetch),
  $o: () => (/* reexport */ proxyConfigured),
  Wm: () => (/* reexport */ proxySecrets)
});

// UNUSED EXPORTS: MAX_BODY_BYTES, readBody, setupError, trustedCas

// EXTERNAL MODULE: ./src/core/network-fingerprint.ts
var network_fingerprint = __nccwpck_require__(2172);
;// CONCATENATED MODULE: ./src/core/node-debug.ts
/**
 * `NODE_DEBUG` makes Node print its modules' internals to stderr, from the process's start
 * (Node reads it once, before any of the action's code runs: nothing can turn it off later).
 * For its network modules that is the request's headers (`Authorization`, `Proxy-Authorization:
 * Basic <user:password in base64>`, of which the runner's masks hide only part) and, through a
 * proxy, the proxy's raw answer to CONNECT, line by line: text from outside on a line of its own,
 * which the runner reads for workflow commands (`::stop-commands::`, then every later
 * `::add-mask::` of a minted key is printed as it is). Any step of the job can append
 * `NODE_DEBUG` to `$GITHUB_ENV` (the runner refuses only NODE_OPTIONS). Source: Node's
 * `lib/internal/util/debuglog.js` (`initializeDebugEnv`), `lib/https.js` (`onProxyData`).
 */
/** The debuglog sets of the modules a request passes through (node:http, https, http2, net, tls). */
const NETWORK_DEBUG_SETS = ['http', 'https', 'http2', 'net', 'tls'];
/**
 * The network sets `value` turns on, matched as Node matches them (comma-separated names, `*` a
 * wildcard, case-insensitive, every other character literal); [] for unset or empty.
 */
function networkDebugSets(value) {
    if (!value)
        return [];
    const pattern = value
        .replace(/[|\\{}()[\]^$+?.]/g, '\\$&')
        .replaceAll('*', '.*')
        .replaceAll(',', '$|^');
    let regex;
    try {
        regex = new RegExp(`^${pattern}$`, 'i');
    }
    catch {
        // Node would throw at start-up on such a value; a process that got here did not see it.
        return [];
    }
    return NETWORK_DEBUG_SETS.filter((set) => regex.test(set));
}
/**
 * Throws, before any request is made, when `NODE_DEBUG` (in `env`, or in this process's own
 * environment, which is the one Node read) turns on the debug output of a network module.
 */
function checkNodeDebug(env) {
    const sets = [
        ...new Set([
            ...networkDebugSets(env['NODE_DEBUG']),
            ...networkDebugSets(process.env['NODE_DEBUG']),
        ]),
    ];
    if (sets.length === 0)
        return;
    throw new Error(`NODE_DEBUG turns on Node's debug output for ${sets.join(', ')}: Node would print this step's requests (their credentials included) and a proxy's answers to the log, so no request is sent; remove NODE_DEBUG from the job's environment (another step may have written it to $GITHUB_ENV)`);
}

// EXTERNAL MODULE: ./src/core/api-url.ts
var api_url = __nccwpck_require__(3335);
;// CONCATENATED MODULE: ./src/core/proxy-env.ts

/**
 * Which proxy, if any, a request goes through: the one answer for the Vast transport, the GitHub
 * client (rotate's secrets, the sweep's run look-ups) and the key broker client, all of which
 * send through `createFetch` (src/core/vast/transport.ts).
 *
 * The rules are the runner's and @actions/http-client's, read from their source:
 * - actions/runner `src/Runner.Sdk/RunnerWebProxy.cs`: `http_proxy`, then `HTTP_PROXY` when the
 *   lower-case one is unset or empty; the same for `https_proxy` and `no_proxy`;
 * - actions/toolkit `packages/http-client/src/proxy.ts` (`getProxyUrl`, `checkBypass`): the
 *   lower-case spelling wins (`no_proxy || NO_PROXY`, so an empty `no_proxy` falls back to
 *   `NO_PROXY`); a loopback host always bypasses; a `NO_PROXY` entry matches the host or the
 *   `host:port` (case-insensitive), any subdomain of it, an entry with a leading dot as a
 *   suffix, and `*` matches everything.
 * One difference, kept from the action's earlier releases: an https request with only
 * `HTTP_PROXY` set goes through that proxy (undici's EnvHttpProxyAgent does the same).
 * `ALL_PROXY` is not honoured, as neither the runner nor @actions/http-client honours it.
 *
 * A loopback target (127.0.0.0/8, [::1], `localhost`: {@link isLoopbackHost}) is never proxied,
 * whatever the variables say, Node's own `NODE_USE_ENV_PROXY` included (the transport passes an
 * explicit agent, so Node's global proxying never applies): a proxy is another machine, and plain
 * http to this one (allowed only there) would hand it the key in cleartext.
 */
const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'];
/** The first non-empty value of `names`, in order (the runner's "lower case, then upper"). */
function firstSet(env, ...names) {
    for (const name of names) {
        const value = env[name]?.trim();
        if (value)
            return value;
    }
    return undefined;
}
function proxyConfigured(env) {
    return PROXY_VARIABLES.some((name) => Boolean(env[name]?.trim()));
}
/**
 * The proxy URL for a request to `url` under `env`, or undefined to go direct. Throws when the
 * variable that would be used is not an http(s) URL (its value is not quoted: it may hold
 * credentials).
 */
function proxyFor(url, env) {
    const target = typeof url === 'string' ? new URL(url) : url;
    if ((0,api_url/* isLoopbackHost */.cW)(target.hostname))
        return undefined;
    const proxy = target.protocol === 'https:'
        ? firstSet(env, 'https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY')
        : firstSet(env, 'http_proxy', 'HTTP_PROXY');
    if (!proxy || bypassed(target, firstSet(env, 'no_proxy', 'NO_PROXY') ?? ''))
        return undefined;
    return proxy;
}
/** Each proxy variable that is set must be an http(s) URL; throws an error naming it. */
function checkProxyVariables(env) {
    for (const name of PROXY_VARIABLES) {
        const value = env[name]?.trim();
        if (value && !/^https?:$/.test(safeProtocol(value))) {
            throw new Error(`${name} is not a proxy URL: write it with its scheme, like http://proxy.example.com:3128`);
        }
        if (value && !decodable(value)) {
            // Node decodes them for Proxy-Authorization, and would throw at the first request.
            throw new Error(`${name} holds a user name or password that is not valid percent-encoding: write % as %25, like http://user:p%25ss@proxy.example.com:3128`);
        }
    }
}
/** @actions/http-client's checkBypass, loopback excepted (handled first). */
function bypassed(target, noProxy) {
    const host = target.hostname.replace(/^\[|\]$/g, '').toUpperCase();
    const port = target.port || (target.protocol === 'https:' ? '443' : '80');
    const hosts = [host, `${host}:${port}`];
    for (const item of noProxy.split(',').map((entry) => entry.trim().toUpperCase())) {
        if (!item)
            continue;
        if (item === '*')
            return true;
        const bare = item.replace(/^\[|\]$/g, '');
        if (hosts.some((h) => h === bare || h.endsWith(`.${bare}`) || (bare.startsWith('.') && h.endsWith(bare)))) {
            return true;
        }
    }
    return false;
}
/** Whether a proxy URL's user name and password decode (decodeURIComponent, as Node does). */
function decodable(value) {
    try {
        const { username, password } = new URL(value);
        decodeURIComponent(username);
        decodeURIComponent(password);
        return true;
    }
    catch {
        return false;
    }
}
function safeProtocol(value) {
    try {
        return new URL(value).protocol;
    }
    catch {
        return '';
    }
}
/**
 * Credentials written into a proxy URL (`http://user:secret@proxy:3128`), to be masked before
 * anything could print them.
 */
function proxySecrets(env) {
    const secrets = new Set();
    for (const name of PROXY_VARIABLES) {
        const value = env[name];
        if (!value)
            continue;
        try {
            const { password } = new URL(value);
            if (password) {
                secrets.add(password);
                secrets.add(decodeURIComponent(password));
            }
        }
        catch {
            // not a URL: checkProxyVariables reports it when it is used
        }
    }
    return [...secrets];
}

;// CONCATENATED MODULE: ./src/core/vast/transport.ts
/**
 * How requests leave the process: the one transport of the action, the broker's client and the
 * GitHub client, on Node's own http/https modules and agents of its own (Node's built-in fetch
 * loads undici's wasm parser and web streams first: about 11 ms more per step, see
 * `npm run bench`). Through a proxy ({@link proxyFor}: HTTPS_PROXY / HTTP_PROXY / NO_PROXY, the
 * runner's rules) with Node's built-in proxy support (Node 24.5+, "Built-in Proxy Support" in
 * Node's http docs): an agent whose `proxyEnv` holds only the proxy {@link proxyFor} chose and no
 * NO_PROXY, so Node's own reading of the variables never decides; CONNECT for an https target,
 * an absolute-form request for plain http, `Proxy-Authorization: Basic` from the URL's userinfo.
 * Neither path follows redirects.
 *
 * Every agent is the transport's own, so nothing the environment says about Node's global agents
 * applies (`NODE_USE_ENV_PROXY`; direct agents say `proxyEnv: null`), and every TLS connection
 * verifies certificates whatever `NODE_TLS_REJECT_UNAUTHORIZED` says (`rejectUnauthorized: true`:
 * the target's, and the proxy's when it is an https proxy). Trust still comes from Node's CA
 * store; with `NODE_EXTRA_CA_CERTS` set, every TLS connection is given the store explicitly
 * ({@link trustedCas}; so also with the system's CAs in use): Node's bundled CAs, the system's
 * when Node uses them, and the extra file's bytes as the network fingerprint read them, once.
 * Node would read that path again on its own, lazily, when TLS is first used; the post step
 * refuses to send a secret when the fingerprint changed since main
 * (src/core/network-fingerprint.ts).
 *
 * Every answer is read through one decoder with one cap ({@link MAX_BODY_BYTES}, counted after
 * decoding): gzip, deflate, br and zstd, so a small compressed answer cannot inflate past the cap.
 */




/**
 * An answer larger than this once decoded (bytes) is not an answer of any API the action calls;
 * reading stops there, with an `ETOOLARGE` error, rather than fill memory.
 */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
/**
 * The transport for this environment. Throws when a proxy variable is set and is not an http(s)
 * URL, or when NODE_DEBUG would make Node print the requests ({@link checkNodeDebug}). The proxy is chosen per request from `env` ({@link proxyFor}); one agent per proxy URL
 * (and scheme of the target: an http and an https agent).
 */
function createFetch(env = process.env) {
    checkNodeDebug(env);
    if (proxyConfigured(env))
        checkProxyVariables(env);
    const agents = new Map();
    let verify;
    const tlsOptions = () => (verify ??= trustedCas(env).then((ca) => (ca ? { ...VERIFY, ca } : VERIFY)));
    return Promise.resolve(async (url, init) => {
        const target = new URL(url);
        const secure = target.protocol === 'https:';
        const proxy = proxyFor(target, env);
        const tls = secure || (proxy && isHttps(proxy)) ? await tlsOptions() : VERIFY;
        let agent;
        if (!proxy) {
            agent = Promise.resolve(directAgent(secure, tls));
        }
        else {
            const key = `${target.protocol} ${proxy}`;
            agent = agents.get(key) ?? proxyAgent(secure, proxy, tls).catch(refuseProxy(env, proxy));
            agents.set(key, agent);
        }
        return nodeFetch(target, init, await agent, secure ? tls : undefined);
    });
}
/**
 * An error of the transport's own, made before anything is sent (code `ESETUP`): no retry can
 * mend it, and its message is the action's own text (no outside text, no proxy credentials).
 */
function setupError(message) {
    return Object.assign(new Error(message), { code: 'ESETUP' });
}
/**
 * The CAs every TLS connection trusts when `NODE_EXTRA_CA_CERTS` is set or Node uses the system's
 * CAs (undefined otherwise, or under `--use-openssl-ca`, where OpenSSL's store applies): Node's
 * bundled CAs, the system's as the fingerprint read them ({@link systemCas}), and the extra file's bytes exactly as the network
 * fingerprint read them ({@link extraCaBytes}; none when unreadable then, as Node would ignore it).
 * Source: Node's tls docs (`getCACertificates`, the `ca` option replaces the default store).
 */
async function trustedCas(env) {
    const options = env['NODE_OPTIONS'] ?? '';
    const system = (0,network_fingerprint/* systemCas */.bT)(env);
    if ((!env['NODE_EXTRA_CA_CERTS'] && !system) || options.includes('--use-openssl-ca')) {
        return undefined;
    }
    const tls = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 1692, 23));
    if (typeof tls.getCACertificates !== 'function')
        return undefined;
    const extra = (0,network_fingerprint/* extraCaBytes */.K4)(env);
    return [
        ...tls.getCACertificates('bundled'),
        ...(system ?? []),
        ...(extra?.includes('-----BEGIN CERTIFICATE-----') ? [extra] : []),
    ];
}
/**
 * An agent for `proxy` that could not be made, as a {@link setupError} naming the variable that
 * holds it: Node's own message may quote the proxy URL, credentials included.
 */
function refuseProxy(env, proxy) {
    return (error) => {
        if (error.code === 'ESETUP')
            throw error;
        const name = PROXY_VARIABLES.find((n) => env[n]?.trim() === proxy) ?? 'the proxy variable';
        const { code, name: kind } = error;
        throw setupError(`Node cannot use the proxy in ${name} (${typeof code === 'string' ? code : String(kind)}); nothing was sent`);
    };
}
/** Whether a proxy URL (checked by checkProxyVariables) is an https proxy, in any case. */
const isHttps = (proxy) => new URL(proxy).protocol === 'https:';
/** Verify every certificate, whatever NODE_TLS_REJECT_UNAUTHORIZED says. */
const VERIFY = { rejectUnauthorized: true };
/**
 * Never Node's environment proxy: an agent built without `proxyEnv` may fall back to
 * `process.env` under `NODE_USE_ENV_PROXY=1` in later Node releases (nodejs/node#64528); null
 * opts out.
 */
const NO_ENV_PROXY = { proxyEnv: null };
/**
 * A direct agent keeps a connection open for the next request, for at most 1 s after its last
 * answer (the agent's `timeout` closes an idle free socket; it never ends a request in flight).
 * A sweep sends thousands of requests: a connection each kept its peak memory far above what
 * one reused connection needs (`npm run bench`, "sweep: peak RSS"). Servers keep idle connections
 * open for seconds (Node's default is 5 s), so a connection reused within 1 s is not one the
 * server is closing; idle sockets are unreferenced and never keep the step's process alive.
 */
const REUSE = { keepAlive: true, timeout: 1000 };
let httpAgent;
let httpsAgent;
const caAgents = new WeakMap();
/** The shared agent of a direct request (one of its own for explicit CAs). */
function directAgent(secure, tls) {
    // Only the module the scheme needs is loaded (https loads tls).
    // process.getBuiltinModule: no ES namespace object built on every request.
    if (!secure) {
        const http = process.getBuiltinModule('node:http');
        return (httpAgent ??= new http.Agent({ ...REUSE, ...NO_ENV_PROXY }));
    }
    const https = process.getBuiltinModule('node:https');
    if (!tls.ca)
        return (httpsAgent ??= new https.Agent({ ...REUSE, ...VERIFY, ...NO_ENV_PROXY }));
    let own = caAgents.get(tls);
    if (!own)
        caAgents.set(tls, (own = new https.Agent({ ...REUSE, ...tls, ...NO_ENV_PROXY })));
    return own;
}
/**
 * An agent that sends every request through `proxy` (Node's built-in proxy support). Its
 * `proxyEnv` names the proxy for the target's scheme only, and no NO_PROXY: {@link proxyFor}
 * already decided. The https agent carries `tls` (the target's certificate, verified in the
 * tunnel); with an https proxy, the connection to the proxy gets `tls` too ({@link verifyProxy}).
 */
async function proxyAgent(secure, proxy, tls) {
    // Normalised (Node refuses a proxy URL holding CR or LF; the URL parser drops them).
    const href = new URL(proxy).href;
    const agent = secure
        ? new (await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 4708, 23))).Agent({ ...tls, proxyEnv: { HTTPS_PROXY: href } })
        : new (await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 7067, 23))).Agent({ proxyEnv: { HTTP_PROXY: href } });
    if (isHttps(href))
        verifyProxy(agent, tls);
    return agent;
}
/**
 * Node connects to an https proxy with the options it parsed from the proxy URL alone (host and
 * port: Node 24's `ProxyConfig.proxyConnectionOptions`, lib/internal/http.js), so the proxy's
 * certificate would be checked against Node's lazily read store and skipped under
 * `NODE_TLS_REJECT_UNAUTHORIZED=0`. There is no public option for it: the agent's own config is
 * given `tls` here. Throws, before anything is sent, when that config is not where Node 24 keeps
 * it (a Node that changed it): an unverified proxy would see every secret.
 */
function verifyProxy(agent, tls) {
    const key = Object.getOwnPropertySymbols(agent).find((s) => s.description === 'kProxyConfig');
    const config = key && agent[key];
    const options = config
        ?.proxyConnectionOptions;
    if (!config || typeof options !== 'object' || options === null) {
        throw setupError(`this Node (${process.version}) cannot be told to verify an https proxy's certificate: write the proxy URL with http://, or use Node 24`);
    }
    ;
    config.proxyConnectionOptions = { ...options, ...tls };
}
/** One request with node:http or node:https and `agent`; `tls` for an https target. */
async function nodeFetch(target, init, agent, tls) {
    // process.getBuiltinModule: the module itself, loaded on first use (node:https loads TLS), with
    // no ES namespace object built for every request.
    const { request } = process.getBuiltinModule(tls ? 'node:https' : 'node:http');
    // Node sends DELETE without chunked framing: a body needs its length said.
    const headers = init.body === undefined
        ? init.headers
        : { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) };
    return new Promise((resolve, reject) => {
        const req = request(target, { method: init.method, headers, signal: init.signal, agent, ...tls }, (res) => {
            readBody(res, res.headers['content-encoding']).then((body) => resolve(response(res.statusCode ?? 0, res.headers, body)), (error) => {
                req.destroy();
                reject(error);
            });
        });
        req.on('error', (error) => reject(proxyRefusal(error) ?? error));
        req.end(init.body);
    });
}
/**
 * A proxy that answered CONNECT with anything but 200, in the words the action has always used
 * (`Proxy response (407) !== 200 when HTTP Tunneling`, as undici said it): Node's own message
 * quotes the proxy's status line, text from outside. Other errors: undefined.
 */
function proxyRefusal(error) {
    const { code, statusCode } = error;
    if (code !== 'ERR_PROXY_TUNNEL' || typeof statusCode !== 'number')
        return undefined;
    // A status line that is not `HTTP/1.x NNN` gives NaN, or whatever number Node found in it.
    const said = Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 999
        ? String(statusCode)
        : 'not HTTP';
    return Object.assign(new Error(`Proxy response (${said}) !== 200 when HTTP Tunneling`), {
        code,
        statusCode,
    });
}
function response(status, headers, body) {
    const one = (value) => Array.isArray(value) ? value.join(', ') : value;
    return {
        status,
        headers: {
            get: (name) => one(headers[name.toLowerCase()]) ?? null,
            entries: () => Object.entries(headers).flatMap(([name, value]) => {
                const text = one(value);
                return text === undefined ? [] : [[name.toLowerCase(), text]];
            }),
        },
        text: () => Promise.resolve(body),
    };
}
/**
 * The whole body, decoded (Content-Encoding: gzip, x-gzip, deflate, br, zstd, identity, or a
 * list of them, applied in order), cut at {@link MAX_BODY_BYTES} decoded bytes: an `ETOOLARGE`
 * error then, and the stream is destroyed, so at most the cap plus one decoder chunk is held.
 * An encoding it cannot read is an `EENCODING` error.
 */
async function readBody(source, contentEncoding) {
    const codings = (Array.isArray(contentEncoding) ? contentEncoding.join(',') : (contentEncoding ?? ''))
        .split(',')
        .map((coding) => coding.trim().toLowerCase())
        .filter((coding) => coding && coding !== 'identity');
    // No encoding: read as it comes, with no stream pipeline. A sweep reads thousands of small
    // answers, and a pipeline costs each one an abort controller and an exception (Node's
    // `pipeline` aborts its own when done).
    if (codings.length === 0) {
        try {
            return await collect(source, '');
        }
        catch (error) {
            source.destroy();
            throw error;
        }
    }
    const { pipeline } = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 6466, 23));
    const said = codings.join(', ');
    const decoders = await decodersFor([...codings].reverse());
    let text = '';
    let raw = 0;
    try {
        await pipeline([
            source,
            async function* (input) {
                for await (const chunk of input) {
                    raw += chunk.length;
                    yield chunk;
                }
            },
            ...decoders,
            async (input) => {
                text = await collect(input, ` once decoded (Content-Encoding: ${said})`);
            },
        ]);
    }
    catch (error) {
        source.destroy();
        const code = error.code;
        if (code === 'ETOOLARGE' || code === 'EENCODING')
            throw error;
        if (typeof code === 'string' && code.startsWith('Z_')) {
            // An empty body (a 204, a HEAD) says an encoding but holds nothing to decode.
            if (raw === 0)
                return '';
            throw Object.assign(new Error(`the answer's ${said} encoding is broken`), {
                code: 'EENCODING',
                cause: error,
            });
        }
        throw error;
    }
    return text;
}
/**
 * Every chunk of `input` as UTF-8 text; an `ETOOLARGE` error once more than
 * {@link MAX_BODY_BYTES} have come (`how` says of what, in its message), before that chunk is kept.
 */
async function collect(input, how) {
    const chunks = [];
    let size = 0;
    for await (const chunk of input) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
            throw Object.assign(new Error(`the answer is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB${how}; stopped reading it`), { code: 'ETOOLARGE' });
        }
        chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
}
async function decodersFor(codings) {
    const zlib = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 8522, 23));
    return codings.map((coding) => {
        switch (coding) {
            case 'gzip':
            case 'x-gzip':
                return zlib.createGunzip();
            case 'deflate':
                // RFC 9110's deflate is zlib-wrapped; createUnzip also reads a gzip header.
                return zlib.createUnzip();
            case 'br':
                return zlib.createBrotliDecompress();
            case 'zstd':
                return zlib.createZstdDecompress();
            default:
                throw Object.assign(new Error(`the answer is in an encoding the action does not read (${coding.slice(0, 20)})`), { code: 'EENCODING' });
        }
    });
}


/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6466:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");

/***/ }),

/***/ 8500:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  i: () => (/* reexport */ main),
  b: () => (/* reexport */ post)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: ./src/action/config-file.ts + 1 modules
var config_file = __nccwpck_require__(4852);
// EXTERNAL MODULE: ./src/core/api-url.ts
var api_url = __nccwpck_require__(3335);
// EXTERNAL MODULE: ./src/core/duration.ts
var duration = __nccwpck_require__(8571);
// EXTERNAL MODULE: ./src/core/secret.ts
var secret = __nccwpck_require__(2559);
// EXTERNAL MODULE: ./src/core/key-name.ts
var key_name = __nccwpck_require__(1394);
// EXTERNAL MODULE: ./src/core/permissions.ts + 1 modules
var core_permissions = __nccwpck_require__(5139);
// EXTERNAL MODULE: ./src/action/inputs/instances.ts
var instances = __nccwpck_require__(2050);
// EXTERNAL MODULE: ./src/action/inputs/settings.ts
var inputs_settings = __nccwpck_require__(3329);
;// CONCATENATED MODULE: ./src/action/inputs/secret-input.ts

/** Blanks, line ends, control and format characters: never part of a Vast key or GitHub token. */
const SEPARATORS = /[\s\p{Z}\p{Cc}\p{Cf}]+/u;
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
function readSecretInput(read, name, onSecret, describe) {
    const value = read.raw(name);
    if (!value)
        return value;
    if (SEPARATORS.test(value)) {
        for (const piece of value.split(SEPARATORS)) {
            if (piece.length >= inputs_settings/* MASKED_SECRET_LENGTH */.Sr)
                onSecret(piece);
        }
        read.problem(name, 'it contains whitespace, line breaks or control characters; check the secret (copied with a line end or a space?)');
        return value;
    }
    if (value.length >= inputs_settings/* MASKED_SECRET_LENGTH */.Sr)
        onSecret(value);
    if (/[^\x21-\x7e]/.test(value)) {
        // It goes in an Authorization header, which carries nothing else: the request could not
        // even be sent. The character is not quoted.
        read.problem(name, 'it contains a character that is not printable ASCII, which an HTTP header cannot carry; check the secret');
    }
    else if (value.length < inputs_settings/* MIN_SECRET_LENGTH */.vb) {
        read.problem(name, `it is only ${value.length} characters long; ${describe.usual}. A value shorter than ${inputs_settings/* MIN_SECRET_LENGTH */.vb} characters is not ${describe.what}, and cannot be masked in the log without hiding ordinary words; check that the secret holds the whole value`);
    }
    return value;
}

;// CONCATENATED MODULE: ./src/action/inputs/modes.ts








/** The inputs of each mode, read into its settings; every message about them is written here. */
async function createSettings(read, common, options) {
    const ttlMs = read.duration('ttl', inputs_settings/* DEFAULTS */.zY.ttl, inputs_settings/* TTL_RANGE_MS */.Ee);
    const revoke = read.choice('revoke', ['post', 'never'], inputs_settings/* DEFAULTS */.zY.revoke);
    const cleanupFailure = read.choice('cleanup-failure', ['warn', 'fail'], inputs_settings/* DEFAULTS */.zY.cleanupFailure);
    const exportEnv = read.boolean('export-env');
    const exportConfig = read.boolean('export-config');
    const createBudgetMs = readCreateBudget(read, ttlMs);
    const allowSensitive = read.boolean('allow-sensitive-permissions');
    const label = readLabel(read, read.raw('key-name') || `gha-${common.context.job}`);
    const permissions = await readPermissions(read, options, allowSensitive);
    return {
        ...common,
        mode: 'create',
        permissions,
        label,
        ttlMs,
        revoke,
        cleanupFailure,
        exportEnv,
        exportConfig,
        createBudgetMs,
        dryRun: read.boolean('dry-run'),
        instances: (0,instances/* readInstances */.dX)(read),
    };
}
function deleteSettings(read, common) {
    const text = read.raw('key-id');
    let keyId = 0;
    if (!text) {
        read.problem('key-id', 'it is required in delete mode: the id of the key to delete, e.g. ${{ needs.provision.outputs.key-id }}');
    }
    else if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) {
        read.problem('key-id', `'${text}' is not a key id; use the whole number from the key-id output`);
    }
    else {
        keyId = Number(text);
    }
    return {
        ...common,
        mode: 'delete',
        keyId,
        force: read.boolean('force'),
        dryRun: read.boolean('dry-run'),
    };
}
function sweepSettings(read, common, source, options) {
    const token = readGithubToken(read, options);
    const githubApi = (0,api_url/* checkApiUrl */.Sz)(read.text('github-api-url', source.env.GITHUB_API_URL || inputs_settings/* DEFAULTS */.zY.githubApiUrl), inputs_settings/* DEFAULTS */.zY.githubApiUrl);
    if ('problem' in githubApi)
        read.problem('github-api-url', githubApi.problem);
    return {
        ...common,
        mode: 'sweep',
        scope: read.choice('sweep-scope', ['repository', 'account'], inputs_settings/* DEFAULTS */.zY.sweepScope),
        graceMs: read.duration('grace', inputs_settings/* DEFAULTS */.zY.grace, inputs_settings/* GRACE_RANGE_MS */.Ig),
        dryRun: read.boolean('dry-run'),
        budgetMs: read.duration('sweep-budget', inputs_settings/* DEFAULTS */.zY.sweepBudget, inputs_settings/* SWEEP_BUDGET_RANGE_MS */.WS),
        ...(token ? { githubToken: new secret/* Secret */.z(token) } : {}),
        githubApiUrl: 'url' in githubApi ? githubApi.url : '',
        instances: read.choice('instances', ['keep', 'destroy'], 'keep', instances/* INSTANCES_WORDS */.D$),
    };
}
/**
 * `github-token` (rotate and sweep), read as `admin-api-key` is ({@link readSecretInput}): blanks,
 * control characters or a non-header character, or fewer than MIN_SECRET_LENGTH characters, are a
 * problem naming the input; only pieces long enough to be masked safely are masked. Returns the
 * raw value ('' when unset; whether that is allowed is the mode's call).
 */
function readGithubToken(read, options) {
    return readSecretInput(read, 'github-token', (v) => options.onSecret(v), GITHUB_TOKEN);
}
async function readPermissions(read, options, allowSensitive) {
    let permissions = { api: {} };
    const text = read.raw('permissions');
    if (!text) {
        read.problem('permissions', 'it is required: a new key never silently inherits the parent key\'s rights. Use a preset such as `instance-manager`, a list such as `instance_read, instance_write`, or JSON such as {"api":{"instance_read":{}}}');
    }
    else {
        try {
            const needsYaml = !text.startsWith('{') && /[:\n]/.test(text);
            permissions = (0,core_permissions/* parsePermissions */.cv)(text, needsYaml ? await options.loadYaml() : undefined);
            const sensitive = (0,core_permissions/* sensitiveCategories */.vU)(permissions);
            if (sensitive.length > 0 && !allowSensitive) {
                read.problem('permissions', `${sensitive.join(', ')} would let a CI key ${describeSensitive(sensitive)}; remove it, or set allow-sensitive-permissions: true if this job really needs it`);
            }
        }
        catch (error) {
            if (!(error instanceof core_permissions/* PermissionsError */.LA))
                throw error;
            read.problem('permissions', error.message);
        }
    }
    return permissions;
}
/**
 * `create-budget`: as set, or by default 15 minutes, or half the ttl when that is shorter, so that
 * a key made after a long wait for Vast's rate limit still has at least half its life. A budget
 * set to the ttl or more is allowed with a warning that says how to silence it.
 */
function readCreateBudget(read, ttlMs) {
    const longest = (0,duration/* parseDuration */.E)(inputs_settings/* DEFAULTS */.zY.createBudget) ?? 0;
    if (!read.raw('create-budget')) {
        return Math.max(inputs_settings/* CREATE_BUDGET_RANGE_MS */.Sn.min, Math.min(longest, Math.floor(ttlMs / 2000) * 1000));
    }
    const budgetMs = read.duration('create-budget', inputs_settings/* DEFAULTS */.zY.createBudget, inputs_settings/* CREATE_BUDGET_RANGE_MS */.Sn);
    if (budgetMs >= ttlMs) {
        read.warn('create-budget', `it is not shorter than ttl (${(0,duration/* formatDuration */.a)(ttlMs)}): after a long wait for Vast's rate limit, the key could be made past its own deadline, and a sweep would delete it while the job runs. ` +
            `Set create-budget below ttl, or leave it unset (the default is ${inputs_settings/* DEFAULTS */.zY.createBudget}, or half the ttl when that is shorter) to silence this`);
    }
    return budgetMs;
}
function readLabel(read, label) {
    if (label.length > key_name/* MAX_LABEL_LENGTH */.rn) {
        read.problem('key-name', `it is ${label.length} characters long; use at most ${key_name/* MAX_LABEL_LENGTH */.rn}`);
    }
    else if (/[\p{Cc}\p{Cf}]/u.test(label)) {
        read.problem('key-name', 'it contains control characters; use printable text');
    }
    return label;
}
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** How `github-token` is described when it is too short. */
const GITHUB_TOKEN = { what: 'a token', usual: 'GitHub tokens are 40 or more' };
// `.` and `..` are no repository names: in the API's path they would be resolved away.
const REPOSITORY = /^[A-Za-z0-9-]+\/(?!\.\.?$)[A-Za-z0-9._-]+$/;
const OWNER = /^[A-Za-z0-9-]+$/;
async function rotateSettings(read, common, source, options) {
    const token = readGithubToken(read, options);
    if (!token) {
        read.problem('github-token', 'it is required in rotate mode: a token that can write Actions secrets, e.g. from actions/create-github-app-token (permission-secrets: write) or a fine-grained PAT with "Secrets: read and write"; the workflow\'s own GITHUB_TOKEN cannot write secrets');
    }
    const labelText = read.raw('key-name');
    if (!labelText) {
        read.problem('key-name', 'it is required in rotate mode: it names the rotation (e.g. ci-deploy); older keys with exactly this name are replaced');
    }
    const label = readLabel(read, labelText);
    const allowSensitive = read.boolean('allow-sensitive-permissions');
    const permissions = await readPermissions(read, options, allowSensitive);
    const ttlMs = read.duration('ttl', inputs_settings/* DEFAULTS */.zY.rotateTtl, inputs_settings/* TTL_RANGE_MS */.Ee);
    const createBudgetMs = readCreateBudget(read, ttlMs);
    if (labelText) {
        // The label is the rotation's identity: it must come back whole from the key's name.
        const sample = (0,key_name/* formatKeyName */.yv)({
            label,
            kind: 'rot',
            expiresAt: new Date(Date.UTC(2099, 0, 1)),
            ...common.context,
            target: 'f'.repeat(12),
            nonce: 'ffffffff',
        });
        const kept = (0,key_name/* parseKeyName */.wN)(sample)?.label ?? '';
        if (kept !== label) {
            read.problem('key-name', `it is too long to be kept whole in a key name for ${common.context.repository}; use at most ${kept.length} characters`);
        }
    }
    const githubApi = (0,api_url/* checkApiUrl */.Sz)(read.text('github-api-url', source.env.GITHUB_API_URL || inputs_settings/* DEFAULTS */.zY.githubApiUrl), inputs_settings/* DEFAULTS */.zY.githubApiUrl);
    if ('problem' in githubApi)
        read.problem('github-api-url', githubApi.problem);
    const secretName = read.raw('secret-name');
    if (!secretName) {
        read.problem('secret-name', 'it is required in rotate mode: the Actions secret to write, e.g. VAST_DEPLOY_KEY');
    }
    else if (!SECRET_NAME.test(secretName) || /^GITHUB_/i.test(secretName)) {
        read.problem('secret-name', `'${secretName}' is not a valid secret name: letters, digits and _, not starting with a digit or GITHUB_`);
    }
    const scope = read.choice('secret-scope', ['repository', 'environment', 'organization'], inputs_settings/* DEFAULTS */.zY.secretScope);
    const repository = read.text('repository', common.context.repository);
    if (scope !== 'organization' && !REPOSITORY.test(repository)) {
        read.problem('repository', `'${repository}' is not owner/repo`);
    }
    let target = { scope: 'repository', repository };
    // An input of another scope would be ignored, and the secret written somewhere else than meant.
    for (const [input, needs] of TARGET_INPUTS) {
        if (needs !== scope && read.raw(input)) {
            read.problem(input, `it is used only with secret-scope: ${needs}, and secret-scope is ${scope}: set secret-scope: ${needs}, or remove ${input}`);
        }
    }
    if (scope === 'environment') {
        const environment = read.raw('environment');
        if (!environment)
            read.problem('environment', 'it is required with secret-scope: environment');
        else {
            const wrong = environmentProblem(environment);
            if (wrong)
                read.problem('environment', wrong);
        }
        target = { scope, repository, environment };
    }
    else if (scope === 'organization') {
        const organization = read.raw('organization');
        if (!organization) {
            read.problem('organization', 'it is required with secret-scope: organization');
        }
        else if (!OWNER.test(organization)) {
            read.problem('organization', `'${organization}' is not an organisation name`);
        }
        const visibility = read.choice('visibility', ['all', 'private', 'selected'], inputs_settings/* DEFAULTS */.zY.visibility);
        const names = read
            .raw('selected-repositories')
            .split(/[\s,]+/)
            .filter(Boolean)
            .map((name) => (name.includes('/') ? name : `${organization}/${name}`));
        if (visibility === 'selected' && names.length === 0) {
            read.problem('selected-repositories', 'it is required with visibility: selected: repository names separated by commas or new lines');
        }
        // Without a valid organisation the names cannot be checked: that problem is reported once.
        for (const name of OWNER.test(organization) ? names : []) {
            if (!REPOSITORY.test(name))
                read.problem('selected-repositories', `'${name}' is not a repository name`);
            else if (name.split('/')[0]?.toLowerCase() !== organization.toLowerCase()) {
                read.problem('selected-repositories', `'${name}' is not in the organisation ${organization}`);
            }
        }
        target = { scope, organization, visibility, selectedRepositories: names };
    }
    return {
        ...common,
        mode: 'rotate',
        permissions,
        label,
        ttlMs,
        createBudgetMs,
        githubToken: new secret/* Secret */.z(token),
        githubApiUrl: 'url' in githubApi ? githubApi.url : '',
        secretName,
        target,
        targetId: (0,key_name/* rotationTargetId */.Bl)(targetParts(target, secretName)),
        keepPrevious: read.integer('keep-previous', inputs_settings/* DEFAULTS */.zY.keepPrevious, inputs_settings/* KEEP_PREVIOUS_RANGE */.g),
        outputKey: read.boolean('output-key'),
        dryRun: read.boolean('dry-run'),
    };
}
/** Target inputs and the one secret-scope each belongs to. */
const TARGET_INPUTS = [
    ['environment', 'environment'],
    ['organization', 'organization'],
    ['visibility', 'organization'],
    ['selected-repositories', 'organization'],
];
/**
 * Why `name` cannot be a GitHub environment, or undefined. GitHub: an environment name may not
 * exceed 255 characters (GitHub Docs, "Managing environments for deployment"). It is one segment
 * of the API's path: `.` and `..` would be resolved away and `/` would split it, so the request
 * would reach another URL; control characters are never part of a name.
 */
function environmentProblem(name) {
    const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
    if (name.length > 255)
        return `${shown} is ${name.length} characters long; GitHub allows 255`;
    if (name.trim() === '.' || name.trim() === '..')
        return `${shown} is not an environment name: give the environment's name as in Settings, Environments`;
    if (/[\p{Cc}\p{Cf}]/u.test(name))
        return `${shown} holds control characters`;
    if (name.includes('/'))
        return `${shown} holds '/', which no environment name can hold in the API's path`;
    return undefined;
}
/**
 * What names a secret, in order: scope, owner (repository or organisation), environment, name.
 * A repository secret and an environment secret of one repository are different targets, and so
 * are two environments or two secret names.
 */
function targetParts(target, secretName) {
    if (target.scope === 'organization')
        return [target.scope, target.organization, secretName];
    if (target.scope === 'environment')
        return [target.scope, target.repository, target.environment, secretName];
    return [target.scope, target.repository, secretName];
}
function describeSensitive(categories) {
    const what = {
        user_write: 'mint and delete API keys',
        billing_write: 'spend money',
        team_write: 'change the team',
    };
    return categories.map((c) => what[c] ?? c).join(', ');
}
/** The run identity that goes into key names; placeholders when run outside a runner. */

;// CONCATENATED MODULE: ./src/action/inputs/broker-client.ts

/**
 * `broker-url` and `broker-audience`: the key comes from a key broker (docs/broker.md) in exchange
 * for the job's GitHub OIDC token, so the job holds no parent key. Read before `admin-api-key`,
 * which must then be empty. Returns undefined without `broker-url`; every problem goes to `read`.
 */
function readBroker(read, adminKeySet, mode) {
    const text = read.raw('broker-url');
    const audienceText = read.raw('broker-audience');
    if (!text) {
        if (audienceText) {
            read.problem('broker-audience', 'it is only read with broker-url; set broker-url to the key broker, or remove broker-audience');
        }
        return undefined;
    }
    const checked = (0,api_url/* checkApiUrl */.Sz)(text, 'https://vast-broker.example.com');
    if ('problem' in checked)
        read.problem('broker-url', checked.problem);
    if (adminKeySet) {
        read.problem('broker-url', "it is set together with 'admin-api-key'; with a key broker the job holds no parent key: remove admin-api-key (and the secret it came from), or remove broker-url to mint with the parent key");
    }
    if (mode && mode !== 'create') {
        read.problem('broker-url', `it works in create mode only (mode is '${mode}'); the broker mints and deletes per-job keys, and sweeps them itself`);
    }
    if (read.raw('revoke') === 'never') {
        read.problem('broker-url', "it does not work with revoke: never: a broker key is deleted by its post step or by the broker's sweep at its deadline");
    }
    if (read.raw('dry-run') && read.raw('dry-run').toLowerCase() === 'true') {
        read.problem('broker-url', 'it does not work with dry-run: true: the broker decides what is allowed; run without dry-run');
    }
    const audience = audienceText || ('url' in checked ? checked.url : text);
    if (/[\s\p{Cc}]/u.test(audience) || audience.length > 512) {
        read.problem('broker-audience', 'it must be one word of at most 512 characters, the audience the broker was given (BROKER_AUDIENCE)');
    }
    // An empty ttl sends none: the broker then gives the rule's max-ttl, instead of the action's
    // 6h default being refused by a rule with a shorter max-ttl.
    return { url: 'url' in checked ? checked.url : '', audience, ttlFromRule: !read.raw('ttl') };
}

;// CONCATENATED MODULE: ./src/action/inputs/matrix.ts

/**
 * `job-total`, `job-index` and `max-parallel`: where this job stands in its matrix. action.yml
 * defaults them to `${{ strategy.job-total }}`, `${{ strategy.job-index }}` and
 * `${{ strategy.max-parallel }}`: the runner evaluates input defaults with the `strategy` context
 * (actions/runner, src/Runner.Worker/action_yaml.json, `input-default-context`), so they reach the
 * action with no change to the workflow. Empty (outside a runner, or a runner that gives none)
 * means a job on its own: total 1, index 0, no max-parallel; max-parallel 0 means no limit.
 *
 * @returns the place; a bad value is a problem on `read` (named, with what would be right), and
 *   the place falls back to a job on its own.
 */
function readMatrixPlace(read) {
    const whole = (value) => (/^\d+$/.test(value) ? Number(value) : NaN);
    const totalText = read.raw('job-total');
    let total = 1;
    if (totalText) {
        total = whole(totalText);
        if (!Number.isSafeInteger(total) ||
            total < inputs_settings/* JOB_TOTAL_RANGE */.xP.min ||
            total > inputs_settings/* JOB_TOTAL_RANGE */.xP.max) {
            read.problem('job-total', `'${totalText}' is not a number of jobs: use a whole number from ${inputs_settings/* JOB_TOTAL_RANGE */.xP.min} to ${inputs_settings/* JOB_TOTAL_RANGE */.xP.max}, or leave it unset (the default, \${{ strategy.job-total }}, is the size of this job's matrix, 1 outside one)`);
            total = 1;
        }
    }
    const indexText = read.raw('job-index');
    let index = 0;
    if (indexText) {
        index = whole(indexText);
        if (!Number.isSafeInteger(index) || index >= total) {
            read.problem('job-index', `'${indexText}' is not a job of a matrix of ${total} (job-total): use a whole number from 0 to ${total - 1}, or leave it unset (the default, \${{ strategy.job-index }}, is this job's place in its matrix, 0 outside one)`);
            index = 0;
        }
    }
    const parallelText = read.raw('max-parallel');
    let maxParallel;
    if (parallelText) {
        maxParallel = whole(parallelText);
        if (!Number.isSafeInteger(maxParallel)) {
            read.problem('max-parallel', `'${parallelText}' is not a number of jobs at once: use a whole number (0: no limit), or leave it unset (the default, \${{ strategy.max-parallel }}, is the matrix's max-parallel)`);
            maxParallel = undefined;
        }
        else if (maxParallel === 0) {
            // As strategy.max-parallel unset is read elsewhere: no limit but job-total.
            maxParallel = undefined;
        }
    }
    return { index, total, ...(maxParallel === undefined ? {} : { maxParallel }) };
}

// EXTERNAL MODULE: ./src/action/inputs/reader.ts
var reader = __nccwpck_require__(3687);
;// CONCATENATED MODULE: ./src/action/inputs/index.ts











/**
 * Every input of action.yml is read and validated here (this folder), into one readonly value per
 * mode. Every message a user sees about a bad input is written here. It sends nothing anywhere.
 */
/** Inputs that only some modes read, with action.yml's default (a value equal to it is not "set"). */
const MODE_INPUTS = {
    permissions: { modes: ['create', 'rotate'], default: '' },
    'key-name': { modes: ['create', 'rotate'], default: '' },
    ttl: { modes: ['create', 'rotate'], default: '' },
    'allow-sensitive-permissions': { modes: ['create', 'rotate'], default: 'false' },
    'create-budget': { modes: ['create', 'rotate'], default: '' },
    revoke: { modes: ['create'], default: 'post' },
    'cleanup-failure': { modes: ['create'], default: 'warn' },
    'export-env': { modes: ['create'], default: 'false' },
    'export-config': { modes: ['create'], default: 'false' },
    instances: { modes: ['create', 'sweep'], default: 'keep' },
    'instances-grace': { modes: ['create'], default: '10s' },
    'key-id': { modes: ['delete'], default: '' },
    force: { modes: ['delete'], default: 'false' },
    'sweep-scope': { modes: ['sweep'], default: 'repository' },
    grace: { modes: ['sweep'], default: '0s' },
    'dry-run': { modes: ['create', 'delete', 'sweep', 'rotate'], default: 'false' },
    'sweep-budget': { modes: ['sweep'], default: '10m' },
    'github-token': { modes: ['rotate', 'sweep'], default: '' },
    'github-api-url': { modes: ['rotate', 'sweep'], default: '' },
    'secret-name': { modes: ['rotate'], default: '' },
    'secret-scope': { modes: ['rotate'], default: 'repository' },
    repository: { modes: ['rotate'], default: '' },
    environment: { modes: ['rotate'], default: '' },
    organization: { modes: ['rotate'], default: '' },
    visibility: { modes: ['rotate'], default: '' },
    'selected-repositories': { modes: ['rotate'], default: '' },
    'keep-previous': { modes: ['rotate'], default: '0' },
    'output-key': { modes: ['rotate'], default: 'false' },
};
function unusedInputs(source, mode) {
    return Object.entries(MODE_INPUTS)
        .filter(([name, use]) => {
        const value = source.getInput(name);
        return value !== '' && value !== use.default && !use.modes.includes(mode);
    })
        .map(([name, use]) => `Input '${name}' is ignored in ${mode} mode (it is read in ${listWords(use.modes)} mode); did you mean another mode?`);
}
/** `a`, `a and b`, `a, b and c`. */
function listWords(words) {
    return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
async function parseInputs(source, options) {
    const read = new reader/* Reader */.mP(source);
    const rawKey = readSecretInput(read, 'admin-api-key', (v) => options.onSecret(v), {
        what: 'a key',
        usual: 'a Vast.ai key is 64',
    });
    const modeText = source.getInput('mode') || inputs_settings/* DEFAULTS */.zY.mode;
    const broker = readBroker(read, rawKey !== '', inputs_settings/* MODES */.FN.includes(modeText) ? modeText : undefined);
    if (broker) {
        // Checked in readBroker: with a broker, admin-api-key must be empty.
    }
    else if (!rawKey) {
        read.problem('admin-api-key', 'it is empty. Pass the parent Vast.ai key from a secret, e.g. `admin-api-key: ${{ secrets.VAST_ADMIN_API_KEY }}`. ' +
            'Secrets are empty in workflows triggered from a fork (pull_request from a fork, or Dependabot), ' +
            'and when the secret is not defined in this repository, environment or organisation.');
    }
    const modeValue = read.text('mode', inputs_settings/* DEFAULTS */.zY.mode);
    const mode = inputs_settings/* MODES */.FN.includes(modeValue) ? modeValue : undefined;
    if (!mode)
        read.problem('mode', `'${modeValue}' is not a mode; use one of: ${inputs_settings/* MODES */.FN.join(', ')}` + (0,reader/* meant */.wx)(modeValue, inputs_settings/* MODES */.FN));
    const apiUrl = (0,api_url/* checkApiUrl */.Sz)(read.text('api-url', inputs_settings/* DEFAULTS */.zY.apiUrl), inputs_settings/* DEFAULTS */.zY.apiUrl);
    if ('problem' in apiUrl)
        read.problem('api-url', apiUrl.problem);
    else {
        const base = (0,api_url/* withoutVastApiPath */.aK)(apiUrl.url);
        if (base !== undefined) {
            read.warn('api-url', `it ends with /api/v0, which the action adds to every request itself; using ${base}. Set api-url: ${base || inputs_settings/* DEFAULTS */.zY.apiUrl} to silence this`);
            apiUrl.url = base;
        }
    }
    const common = {
        warnings: mode ? unusedInputs(source, mode) : [],
        adminKey: new secret/* Secret */.z(rawKey),
        apiUrl: 'url' in apiUrl ? apiUrl.url : '',
        maxAttempts: read.integer('max-attempts', inputs_settings/* DEFAULTS */.zY.maxAttempts, inputs_settings/* MAX_ATTEMPTS_RANGE */.aV),
        requestTimeoutMs: read.duration('request-timeout', inputs_settings/* DEFAULTS */.zY.requestTimeout, inputs_settings/* REQUEST_TIMEOUT_RANGE_MS */.f3),
        context: readContext(source.env),
        matrix: readMatrixPlace(read),
    };
    let settings;
    if (mode === 'create') {
        const create = await createSettings(read, common, options);
        settings = broker ? { ...create, broker } : create;
    }
    else if (mode === 'delete')
        settings = deleteSettings(read, common);
    else if (mode === 'sweep')
        settings = sweepSettings(read, common, source, options);
    else if (mode === 'rotate')
        settings = await rotateSettings(read, common, source, options);
    if (settings?.mode === 'create' && settings.requestTimeoutMs > inputs_settings/* POST_COVERED_REQUEST_TIMEOUT_MS */.FU) {
        read.warn('request-timeout', `it is ${(0,duration/* formatDuration */.a)(settings.requestTimeoutMs)}: Vast may still apply a create request that got no answer up to request-timeout + half of it (at least 10s) after it was sent, ` +
            `and the post step can wait only ${(0,duration/* formatDuration */.a)(inputs_settings/* POST_LATE_APPLY_WAIT_MS */.YQ)} for that (the runner gives it about a minute). ` +
            'A key made that late is not seen by post; it stays until a scheduled sweep (mode: sweep) deletes it after its deadline (docs/reliability.md). ' +
            `Set request-timeout to ${(0,duration/* formatDuration */.a)(inputs_settings/* POST_COVERED_REQUEST_TIMEOUT_MS */.FU)} or less to silence this`);
    }
    if (settings?.mode === 'create' &&
        settings.broker &&
        settings.instances.instances === 'destroy') {
        read.problem('instances', "destroy does not work with broker-url: the broker holds the parent key, so its policy decides (a rule with destroy-instances: true hands out instance-label and destroys the job's instances when post ends the key). Remove instances, or use admin-api-key (docs/instances.md)");
    }
    if (settings?.mode === 'create' && settings.exportConfig && (0,config_file/* relativeXdgConfigHome */.lH)(source.env)) {
        read.warn('export-config', `XDG_CONFIG_HOME (${source.env.XDG_CONFIG_HOME}) is not an absolute path, so it is ignored as the XDG Base Directory spec says: the key file goes to ~/.config/vastai/vast_api_key. Set XDG_CONFIG_HOME to an absolute path, or unset it, to silence this`);
    }
    if (settings?.mode === 'create' && settings.exportConfig && source.env.VAST_API_KEY) {
        // The Vast CLI reads --api-key, then VAST_API_KEY, then the config file (README, "The Vast
        // CLI and SDK"): a variable already in the job wins over the file this step writes.
        read.warn('export-config', settings.exportEnv
            ? 'VAST_API_KEY is already set in this job. export-env: true sets it to the scoped key for the later steps, but a step that sets VAST_API_KEY in its own env: still wins over both the variable and the config file. Remove VAST_API_KEY from the workflow to silence this'
            : 'VAST_API_KEY is already set in this job, and the Vast CLI and SDK read it before the config file: later steps would use that key, not the scoped key written to the file. Set export-env: true as well (VAST_API_KEY then holds the scoped key), or remove VAST_API_KEY from the workflow');
    }
    // A message quotes the value it refuses: never the parent key pasted into the wrong input.
    const scrub = (text) => (rawKey.length >= 4 ? text.split(rawKey).join('***') : text);
    if (read.problems.length > 0 || !settings)
        throw new inputs_settings/* InputError */.dz(read.problems.map(scrub));
    return { ...settings, warnings: [...settings.warnings, ...read.warnings.map(scrub)] };
}
function readContext(env) {
    const digits = (value, fallback) => value && /^\d+$/.test(value) ? value : fallback;
    return {
        repository: env.GITHUB_REPOSITORY || 'local/local',
        runId: digits(env.GITHUB_RUN_ID, '0'),
        runAttempt: digits(env.GITHUB_RUN_ATTEMPT, '1'),
        job: env.GITHUB_JOB || 'local',
    };
}

// EXTERNAL MODULE: ./src/action/modes/state.ts
var modes_state = __nccwpck_require__(200);
;// CONCATENATED MODULE: ./src/action/inputs/post.ts




/** Reads {@link PostInputs} through `getInput` (the runner's `INPUT_*`). */
function readPostInputs(getInput) {
    const read = new reader/* Reader */.mP({ getInput, env: {} });
    const modeText = read.text('mode', inputs_settings/* DEFAULTS */.zY.mode);
    const mode = inputs_settings/* MODES */.FN.includes(modeText) ? modeText : undefined;
    const checked = (0,api_url/* checkApiUrl */.Sz)(read.text('api-url', inputs_settings/* DEFAULTS */.zY.apiUrl), inputs_settings/* DEFAULTS */.zY.apiUrl);
    const apiUrl = 'url' in checked ? ((0,api_url/* withoutVastApiPath */.aK)(checked.url) ?? checked.url) : undefined;
    const before = read.problems.length;
    const broker = readBroker(read, false, mode);
    const brokerRefused = read.problems.length > before || (broker !== undefined && !broker.url);
    const revokeText = read.text('revoke', inputs_settings/* DEFAULTS */.zY.revoke);
    const cleanupText = read.text('cleanup-failure', inputs_settings/* DEFAULTS */.zY.cleanupFailure);
    return {
        mode,
        apiUrl,
        broker: broker && !brokerRefused ? { url: broker.url, audience: broker.audience } : undefined,
        revoke: revokeText === 'post' || revokeText === 'never' ? revokeText : undefined,
        cleanupFailure: cleanupText === 'warn' ? 'warn' : 'fail',
    };
}

// EXTERNAL MODULE: ./src/action/signals.ts
var signals = __nccwpck_require__(7599);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __nccwpck_require__(8500);
// EXTERNAL MODULE: ./src/core/vast/errors.ts
var errors = __nccwpck_require__(9867);
;// CONCATENATED MODULE: ./src/core/vast/retry.ts
/**
 * When to try a Vast request again, and how long to wait. Pure functions: the clock and the random
 * source are arguments, so tests need no real sleeping.
 */
const DEFAULT_RETRY = {
    baseDelayMs: 1000,
    maxDelayMs: 30_000,
};
/** 429 and 5xx are worth another try; every other 4xx is final. */
function isRetryableStatus(status) {
    return status === 429 || (status >= 500 && status <= 599);
}
/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value, nowMs) {
    if (!value)
        return undefined;
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text))
        return Math.round(Number(text) * 1000);
    const date = Date.parse(text);
    if (Number.isNaN(date))
        return undefined;
    return Math.max(0, date - nowMs);
}
/**
 * The interval a Vast 429 names: "API requests too frequent endpoint threshold=2.0" (also after
 * a colon, or inside JSON `msg` / `detail`); undefined when it names none.
 */
function parseThreshold(body) {
    const match = /threshold\s*=\s*(\d+(?:\.\d+)?)/i.exec(body);
    return match ? Math.round(Number(match[1]) * 1000) : undefined;
}
/**
 * How many of the route's intervals to wait after the n-th consecutive 429 (before jitter):
 * doubling from 1 to 32, then 20% less after each further 429, never under 2.
 *
 * Why this shape: N jobs sharing one parent key (a matrix) share one create slot per interval,
 * and a waiting job learns nothing from a 429 but "not yet", so its waits can only depend on how
 * many 429s it has had. Doubling keeps the many early waiters from asking every interval (each
 * job asks about 6 times in its first 60 intervals instead of 30). After that, the jobs still
 * waiting are the tail of the matrix: few, so each must ask more often again or free slots go
 * unused while they sleep. `npm run bench` measures the result; docs/rate-limits.md has the figures.
 */
const RATE_LIMIT_BACKOFF = {
    doubling: [1, 2, 4, 8, 16, 32],
    shrink: 0.8,
    floorIntervals: 2,
};
/** Intervals to wait after the `refusals`-th consecutive 429 (1-based), before jitter. */
function rateLimitIntervals(refusals) {
    const { doubling, shrink, floorIntervals } = RATE_LIMIT_BACKOFF;
    const n = Math.max(1, Math.floor(refusals));
    if (n <= doubling.length)
        return doubling[n - 1] ?? 1;
    const top = doubling[doubling.length - 1] ?? 1;
    return Math.max(floorIntervals, top * shrink ** (n - doubling.length));
}
/**
 * The wait after the `refusals`-th consecutive 429 on a route whose interval is `intervalMs`:
 * `rateLimitIntervals` intervals (never fewer than `floorIntervals`), times a jitter of 0.5 to
 * 1.5 so that jobs refused together do not come back together. A Retry-After (`retryAfterMs`) is
 * a floor, never cut short; jobs told the same moment spread over half an interval after it.
 *
 * @param floorIntervals the fewest intervals to wait (0: none beyond the table's); a job of a
 *   matrix past its schedule's horizon passes {@link matrixFloorIntervals} (schedule.ts)
 */
function rateLimitDelay(refusals, intervalMs, retryAfterMs, random, floorIntervals = 0) {
    const intervals = Math.max(rateLimitIntervals(refusals), floorIntervals);
    const spread = intervalMs * intervals * (0.5 + random());
    if (retryAfterMs === undefined)
        return spread;
    return Math.max(spread, retryAfterMs + random() * 0.5 * intervalMs);
}
/**
 * The wait after `attempt` failed attempts (5xx, network). Exponential with full jitter; when
 * the API named a wait (a 503 with Retry-After), never less than that, plus up to half of it.
 */
function backoffDelay(attempt, policy, random, retryAfterMs) {
    if (retryAfterMs !== undefined) {
        return Math.min(retryAfterMs + random() * (retryAfterMs / 2), Math.max(policy.maxDelayMs, retryAfterMs));
    }
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return random() * ceiling;
}

// EXTERNAL MODULE: ./src/core/vast/answers.ts
var answers = __nccwpck_require__(8849);
;// CONCATENATED MODULE: ./src/core/vast/schedule.ts
/**
 * When a job of a matrix asks Vast again after a 429, given where it stands in its matrix. A pure
 * function of the job's place, the route's interval, how many 429s it has had and when it last
 * asked: the clock and the random source are the caller's, so tests need no real sleeping.
 *
 * The facts it rests on: Vast allows one create per interval (2 s) per caller, so every job that
 * shares a parent key shares one create slot per interval (vast-api.md, "Rate limits"); a 429
 * says "not yet" and the interval, never how many wait. What a job knows besides: its matrix has
 * `total` jobs, at most `maxParallel` of them at once (the runner's `strategy` context), and it is
 * number `index`. So at most `bound` = min(total, maxParallel) jobs of its matrix can be waiting
 * with it. The size bounds contention; it books nothing: jobs start when runners come free, and
 * other workflows may share the key.
 *
 * The schedule, in slots of `SLACK` × interval, counted from the job's first 429:
 * - **Booked asks.** The matrix is split into classes of about `CLASS_SIZE` jobs
 *   (`index mod width`, `width` = ceil(bound / CLASS_SIZE)); each class owns one slot in every
 *   round of `width` slots. Jobs that start together (their first 429s at one moment) then share
 *   each slot with their class only: one gets it, the others try their class's slot of the next
 *   round, and every slot has a taker until the matrix is served.
 * - **Probes** between booked asks, after the second 429: a job that started late (or was
 *   refused by another workflow's job) need not wait a whole round. The gap starts at
 *   `PROBE_SHARE` × bound slots and halves (`PROBE_DECAY`) with every 429, never under one slot,
 *   jittered ×0.5 to ×1.5.
 * - **The horizon.** A matrix alone is served within about `bound` slots of its first 429s. Past
 *   `HORIZON` × bound + 2 slots the 429s come from outside what the size describes (another
 *   workflow on the key, a job restarted): the schedule returns undefined and the caller goes back
 *   to the plain backoff (retry.ts, rateLimitDelay).
 *
 * A job never asks sooner than one slot (more than the interval) after its previous ask.
 * docs/rate-limits.md has the figures (`npm run bench`) and the trade-offs.
 */
const MATRIX_SCHEDULE = {
    /** Jobs per class: how many may ask in one booked slot when the whole matrix starts at once. */
    classSize: 4,
    /** A slot is this many intervals: Vast times the interval from each call's arrival, which jitters. */
    slack: 1.1,
    /** The first probe gap, as a share of the bound (slots). */
    probeShare: 0.4,
    /** Each further 429 multiplies the probe gap by this. */
    probeDecay: 0.5,
    /** Past horizon × bound + 2 slots after the first 429, the plain backoff takes over. */
    horizon: 2,
};
/**
 * The fewest intervals a job of a matrix waits between asks once past its schedule's horizon
 * (on the plain backoff): half its contention bound, at least 2. Whether Vast restarts a route's
 * clock on a call it refused is not documented (vast-api.md, "Rate limits"). If it does, every ask
 * within an interval of another holds the route shut for everyone, and `bound` jobs each asking
 * every 2 intervals (the plain backoff's own floor) would keep it shut for good; at half the bound
 * the jobs still waiting ask about twice per interval between them at most, and some get through.
 * Where refused calls do not count, this floor is reached only past the horizon, where it costs
 * next to nothing (scripts/schedule-sim.ts measures both).
 */
function matrixFloorIntervals(place) {
    return Math.max(2, contentionBound(place) / 2);
}
/** How many jobs of the matrix may wait at once: min(total, maxParallel), at least 1. */
function contentionBound(place) {
    const total = Math.max(1, Math.floor(place.total));
    const parallel = place.maxParallel === undefined ? total : Math.floor(place.maxParallel);
    return Math.max(1, Math.min(total, parallel));
}
/**
 * The next ask after the `refusals`-th consecutive 429 (1-based), as a time after the job's first
 * 429 (ms); or undefined when the schedule has nothing to say: a job on its own (bound 1), or
 * past the horizon. `lastAskMs` is when the refused ask was answered, after the first 429 (0 for
 * the first). The result is never sooner than one slot after `lastAskMs`.
 *
 * @param place the job's place in its matrix
 * @param refusals consecutive 429s so far, at least 1
 * @param lastAskMs ms from the first 429 to the latest one (>= 0)
 * @param intervalMs the route's interval (ms, > 0): what the 429 named, else Vast's documented one
 * @param random a source of numbers in [0, 1)
 */
function matrixNextAsk(place, refusals, lastAskMs, intervalMs, random) {
    const bound = contentionBound(place);
    if (bound <= 1 || !(intervalMs > 0))
        return undefined;
    const { classSize, slack, probeShare, probeDecay, horizon } = MATRIX_SCHEDULE;
    const slotMs = intervalMs * slack;
    const last = Math.max(0, lastAskMs) / slotMs;
    const width = Math.ceil(bound / classSize);
    const index = Math.max(0, Math.floor(place.index));
    // The class's slot in the first round that starts after the last ask (with half a slot to
    // spare, so that a late answer does not make the job skip its own slot).
    const offset = (index % width) + 1;
    const round = Math.max(0, Math.ceil((last + 0.5 - offset) / width));
    let next = offset + round * width;
    if (next < last + 1)
        next += width;
    const n = Math.max(1, Math.floor(refusals));
    if (n >= 2) {
        const gap = Math.max(1, bound * probeShare * probeDecay ** (n - 2));
        next = Math.min(next, last + Math.max(1, gap * (0.5 + random())));
    }
    if (next > horizon * bound + 2)
        return undefined;
    return next * slotMs;
}

;// CONCATENATED MODULE: ./src/core/version.ts
// Generated by scripts/build.mjs from package.json: not read at run time, so that starting the
// action does not load package.json. __tests__/client.test.ts checks that it is current.
/** This action's version, as package.json says. */
const VERSION = '1.0.0';
/** Sent with every request to Vast (the official CLI sends `vastai-cli/<version>`). */
const USER_AGENT = `vast-scoped-key/${VERSION}`;

;// CONCATENATED MODULE: ./src/core/vast/client.ts






/**
 * Vast's documented minimum interval between calls, per route and caller (vast-api.md). Used once
 * a route has answered 429 without saying how long to wait.
 */
const DOCUMENTED_INTERVAL_MS = {
    'POST /auth/apikeys/': 2000,
    'GET /auth/apikeys/': 1000,
    'GET /auth/apikeys/{id}/': 2000,
    'DELETE /auth/apikeys/{id}/': 2000,
    'GET /users/current': 2000,
    // vast-instances-api.md, "Rate limits".
    'GET /api/v1/instances/': 1000,
    'GET /instances/{id}/': 2000,
    'DELETE /instances/{id}/': 3000,
};
/** The route a request paces on: ids as `{id}`, the query left out. */
function routeOf(method, path) {
    return `${method} ${(path.split('?')[0] ?? '').replace(/\/\d+\//g, '/{id}/')}`;
}
const CERTIFICATE_CODES = /^(ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_[A-Z_]+)$/;
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
/** Node's codes for a host name that does not resolve (getaddrinfo): the message names the host. */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);
/** A wait this long (ms) after a 429 is worth a line in the step's log. */
const LONG_WAIT_MS = 10_000;
const realSleep = (ms, signal) => (0,promises_.setTimeout)(ms, undefined, signal ? { signal } : undefined);
/** The one HTTP client for the Vast API: timeouts, retries with backoff, and its error type. */
class VastClient {
    #options;
    #now;
    #random;
    #sleep;
    /**
     * Intervals learned from 429 answers, per route: later calls on that route are spaced out
     * instead of being refused (a sweep deleting hundreds of keys, say).
     */
    #pace;
    /** Vast's clock less ours (ms), from the `Date` header of the latest answer that had one. */
    #clockOffsetMs;
    constructor(options) {
        this.#options = options;
        this.#pace = options.pace ?? new Map();
        this.#now = options.now ?? Date.now;
        this.#random = options.random ?? Math.random;
        this.#sleep = options.sleep ?? realSleep;
    }
    /**
     * Vast's clock less the runner's (ms), read from the `Date` header (RFC 9110, whole seconds) of
     * the latest answer, error answers included; undefined before any answer carried one. Accurate
     * to about a second plus the round trip.
     */
    get clockOffsetMs() {
        return this.#clockOffsetMs;
    }
    /** Whether `value` is the key this client sends (the parent key): compared, never exposed. */
    holdsKey(value) {
        return value === this.#options.apiKey.reveal();
    }
    async call(options) {
        const { maxAttempts } = this.#options.retry;
        const route = routeOf(options.method, options.path);
        // max-attempts counts attempts that failed; a 429 is a "not yet", bounded by the deadline.
        let failures = 0;
        let refusals = 0;
        const backoff = { firstAt: 0, plain: 0 };
        for (let attempt = 1;; attempt++) {
            let error;
            try {
                await this.#waitForSlot(route, options.operation);
                options.onSend?.(attempt);
                const answer = await this.#send(options, attempt);
                this.#letThrough(route);
                return answer;
            }
            catch (caught) {
                if (!(caught instanceof errors/* VastApiError */.h))
                    throw caught;
                error = caught;
            }
            if (error.status !== undefined && error.status !== 429)
                this.#letThrough(route);
            let wait;
            if (error.status === 429) {
                refusals += 1;
                const intervalMs = this.#learn(route, error.intervalMs);
                wait = this.#rateLimitWait(refusals, intervalMs, error.retryAfterMs, backoff);
                // A long backoff that would outlast the budget still leaves room for one last try, an
                // interval before the end (never sooner than a Retry-After).
                const lastTry = this.#remaining() - intervalMs;
                if (wait > lastTry && lastTry >= (error.retryAfterMs ?? intervalMs))
                    wait = lastTry;
                if (wait >= LONG_WAIT_MS && wait <= this.#remaining()) {
                    this.#options.info?.(`${options.operation}: rate limited by Vast (${refusals} 429s in a row; jobs sharing a parent key share its rate); trying again in ${Math.round(wait / 1000)} s.`);
                }
            }
            else {
                failures += 1;
                refusals = 0;
                backoff.plain = 0;
                if (!error.retryable || failures >= maxAttempts)
                    throw error;
                if (error.ambiguous && !options.idempotent) {
                    if (!options.onAmbiguous || (await options.onAmbiguous(error)) === 'stop')
                        throw error;
                }
                wait = backoffDelay(failures, this.#options.retry, this.#random, error.retryAfterMs);
            }
            if (this.#remaining() < wait)
                throw outOfTime(error);
            this.#debug(`${options.operation}: attempt ${attempt} failed (${error.status ?? error.kind}; ${failures}/${maxAttempts} failures, ${refusals} rate-limited); retrying in ${Math.round(wait)} ms`);
            try {
                await this.#sleep(wait, this.#options.signal);
            }
            catch {
                throw this.#aborted(options.operation);
            }
        }
    }
    /**
     * The wait after the `refusals`-th consecutive 429: on the matrix schedule while it has
     * something to say (a job of a matrix, within its horizon), else the plain backoff counted from
     * where the schedule stopped. A Retry-After is a floor either way; jobs told the same moment
     * spread over half an interval after it.
     */
    #rateLimitWait(refusals, intervalMs, retryAfterMs, backoff) {
        const now = this.#now();
        const place = this.#options.matrix;
        if (refusals === 1)
            backoff.firstAt = now;
        if (place && contentionBound(place) > 1 && backoff.plain === 0) {
            const askAt = matrixNextAsk(place, refusals, now - backoff.firstAt, intervalMs, this.#random);
            if (askAt !== undefined) {
                const wait = backoff.firstAt + askAt - now;
                return retryAfterMs === undefined
                    ? wait
                    : Math.max(wait, retryAfterMs + this.#random() * 0.5 * intervalMs);
            }
        }
        backoff.plain += 1;
        // A job of a matrix past its horizon: never so often that the matrix keeps the route shut.
        const floor = place && contentionBound(place) > 1 ? matrixFloorIntervals(place) : 0;
        return rateLimitDelay(backoff.plain, intervalMs, retryAfterMs, this.#random, floor);
    }
    /**
     * Waits for this call's slot on a route that has answered 429: the next free one (5% over the
     * interval after the previous: Vast times the interval from when each call arrives, and
     * arrivals jitter), and never before an interval after the latest answer Vast let through (a
     * call answered late arrived late, and moves Vast's clock with it).
     */
    async #waitForSlot(route, operation) {
        const pace = this.#pace.get(route);
        if (!pace)
            return;
        const slot = Math.max(this.#now(), pace.nextAt);
        pace.nextAt = slot + pace.intervalMs * 1.05;
        let until = Math.max(slot, pace.notBefore ?? 0);
        for (;;) {
            const wait = until - this.#now();
            if (wait <= 0)
                return;
            if (wait > this.#remaining()) {
                throw new errors/* VastApiError */.h({
                    operation,
                    kind: 'budget',
                    status: 429,
                    retryable: false,
                    ambiguous: false,
                    detail: "still rate limited when the step's budget ran out",
                });
            }
            try {
                await this.#sleep(wait, this.#options.signal);
            }
            catch {
                throw this.#aborted(operation);
            }
            // Only an answer that came meanwhile (a later notBefore) makes this call wait again.
            const moved = Math.max(slot, pace.notBefore ?? 0);
            if (moved <= until)
                return;
            until = moved;
        }
    }
    /** An answer other than 429 on a paced route: Vast let the call through, and its clock restarts. */
    #letThrough(route) {
        const pace = this.#pace.get(route);
        if (pace)
            pace.notBefore = Math.max(pace.notBefore ?? 0, this.#now() + pace.intervalMs);
    }
    /** Remembers the route's interval after a 429 and returns it. */
    #learn(route, hintMs) {
        // What the API says (threshold=) beats what its documentation says.
        const intervalMs = hintMs || DOCUMENTED_INTERVAL_MS[route] || 1000;
        const pace = this.#pace.get(route) ?? { intervalMs, nextAt: 0 };
        pace.intervalMs = Math.max(pace.intervalMs, intervalMs);
        // Vast let a call through less than an interval ago: the slot opens within an interval.
        pace.notBefore = Math.max(pace.notBefore ?? 0, this.#now() + pace.intervalMs);
        this.#pace.set(route, pace);
        return pace.intervalMs;
    }
    #remaining() {
        const { deadline } = this.#options;
        return deadline === undefined ? Infinity : deadline - this.#now();
    }
    #debug(message) {
        this.#options.debug?.(message);
    }
    #aborted(operation) {
        return new errors/* VastApiError */.h({
            operation,
            kind: 'aborted',
            retryable: false,
            ambiguous: true,
            detail: 'the step was cancelled',
        });
    }
    async #send(options, attempt) {
        const { operation, method, path } = options;
        const remaining = this.#remaining();
        if (remaining <= 0) {
            throw new errors/* VastApiError */.h({
                operation,
                kind: 'budget',
                retryable: false,
                ambiguous: false,
                detail: 'the time budget ran out before the request was sent',
            });
        }
        if (this.#options.signal?.aborted)
            throw this.#aborted(operation);
        const timeoutMs = Math.min(this.#options.requestTimeoutMs, remaining);
        // One controller per request, its timer and its link to the step's signal undone at the end
        // (AbortSignal.timeout/any would keep every request's signals alive for the whole timeout).
        const controller = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            controller.abort();
        }, timeoutMs);
        const cancel = () => controller.abort();
        this.#options.signal?.addEventListener('abort', cancel, { once: true });
        const url = `${this.#options.baseUrl}${/^\/api\/v\d+\//.test(path) ? '' : '/api/v0'}${path}`;
        const started = this.#now();
        if (this.#options.debug)
            this.#debug(`${method} ${new URL(url).pathname} (attempt ${attempt})`);
        let response;
        let text;
        try {
            response = await this.#options.fetch(url, {
                method,
                headers: {
                    Authorization: `Bearer ${this.#options.apiKey.reveal()}`,
                    Accept: 'application/json',
                    // Edges in front of APIs commonly refuse requests without one; the CLI sends its own.
                    'User-Agent': USER_AGENT,
                    ...(method === 'GET' ? {} : { 'Content-Type': 'application/json' }),
                },
                // Vast's CLI sends {} with DELETE.
                body: method === 'GET' ? undefined : JSON.stringify(options.body ?? {}),
                signal: controller.signal,
            });
            text = await response.text();
        }
        catch (caught) {
            if (this.#options.signal?.aborted)
                throw this.#aborted(operation);
            if (timedOut) {
                throw new errors/* VastApiError */.h({
                    operation,
                    kind: 'timeout',
                    retryable: true,
                    ambiguous: true,
                    detail: `no answer within ${timeoutMs} ms`,
                });
            }
            const { code, message } = (0,answers/* networkCause */.u6)(caught);
            // Final, and nothing was sent: a proxy's refusal (a 407 to CONNECT is an error, not an answer), and a
            // certificate that does not verify (it will not verify on the next try either).
            const proxyRefused = /^Proxy /i.test(message);
            const untrusted = CERTIFICATE_CODES.test(code);
            // The transport's own refusal, made before sending (src/core/vast/transport.ts setupError).
            const setup = code === 'ESETUP';
            const final = proxyRefused || untrusted || setup;
            throw new errors/* VastApiError */.h({
                operation,
                kind: 'network',
                retryable: !final,
                ambiguous: !final && !NOT_SENT_CODES.has(code),
                detail: setup
                    ? message
                    : proxyRefused
                        ? `the proxy refused the request: ${message}`
                        : untrusted
                            ? `network error ${code}: the server's TLS certificate is not trusted; check the URL, or give Node a private CA with NODE_EXTRA_CA_CERTS`
                            : DNS_CODES.has(code)
                                ? `network error ${code}: the host name ${new URL(url).hostname} did not resolve; check api-url`
                                : `network error ${code}${(code.startsWith('UND_ERR') || ANSWER_CODES.has(code)) && message ? ` (${message})` : ''}`,
            });
        }
        finally {
            clearTimeout(timer);
            this.#options.signal?.removeEventListener('abort', cancel);
        }
        const ended = this.#now();
        if (this.#options.debug) {
            this.#debug(`${method} ${new URL(url).pathname} -> ${response.status} in ${ended - started} ms`);
        }
        const date = Date.parse(response.headers.get('date') ?? '');
        // The header has whole seconds (cut down): its middle, against the middle of the round trip.
        if (Number.isFinite(date))
            this.#clockOffsetMs = date + 500 - (started + ended) / 2;
        return this.#interpret(operation, response, text);
    }
    #interpret(operation, response, text) {
        const { status } = response;
        const data = (0,answers/* parseJson */.qF)(text);
        if (status >= 200 && status < 300) {
            if (data === undefined) {
                throw new errors/* VastApiError */.h({
                    operation,
                    kind: 'invalid-response',
                    status,
                    retryable: true,
                    ambiguous: true,
                    detail: 'the answer is not JSON',
                });
            }
            return { status, data };
        }
        if (status >= 300 && status < 400) {
            throw new errors/* VastApiError */.h({
                operation,
                kind: 'http',
                status,
                retryable: false,
                ambiguous: false,
                detail: 'a redirect, not followed so the key is not sent elsewhere; check api-url',
            });
        }
        if (status === 403 && (data === undefined || text.trim() === '')) {
            throw new errors/* VastApiError */.h({
                operation,
                kind: 'http',
                status,
                retryable: false,
                ambiguous: false,
                edge: true,
                detail: `refused by an edge or proxy in front of Vast's API (${text.trim() === '' ? 'an empty' : 'an HTML or other non-JSON'} 403, not Vast's JSON error): ` +
                    'the request did not reach the API, so this says nothing about the key; check api-url and any proxy or firewall between the runner and Vast',
            });
        }
        const apiMessage = this.#scrub((0,answers/* messageOf */.bD)(data, text));
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.#now());
        const intervalMs = status === 429 ? parseThreshold(text) : undefined;
        throw new errors/* VastApiError */.h({
            operation,
            kind: 'http',
            status,
            ...(apiMessage ? { apiMessage } : {}),
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
            ...(intervalMs !== undefined ? { intervalMs } : {}),
            retryable: isRetryableStatus(status),
            // 429 is refused before anything happens; a 5xx may come from an edge after the backend acted.
            ambiguous: status >= 500,
        });
    }
    /**
     * An API message is shown to users: it must not echo the key back, nor break out of its log
     * line (a newline followed by `::command::` would be read by the runner as a command).
     */
    #scrub(message) {
        return (0,answers/* scrubMessage */.HE)(message, this.#options.apiKey.reveal());
    }
}
/** The transport's own refusals of an answer (src/core/vast/transport.ts readBody): said in full. */
const ANSWER_CODES = new Set(['ETOOLARGE', 'EENCODING']);
/** The last failure, marked as the time budget running out before another attempt. */
function outOfTime(error) {
    return new errors/* VastApiError */.h({
        operation: error.operation,
        kind: 'budget',
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(error.apiMessage === undefined ? {} : { apiMessage: error.apiMessage }),
        retryable: false,
        ambiguous: error.ambiguous,
        detail: `${error.status === undefined ? `${error.kind}, ` : ''}no time left in the step's budget for another attempt`,
    });
}

// EXTERNAL MODULE: ./src/core/vast/transport.ts + 2 modules
var transport = __nccwpck_require__(3112);
// EXTERNAL MODULE: ./src/core/network-fingerprint.ts
var network_fingerprint = __nccwpck_require__(2172);
;// CONCATENATED MODULE: ./src/action/action.ts












/** The post step must end within 60 s whatever the API does; leave room for start-up. */
const POST_BUDGET_MS = 50_000;
/** delete mode has no budget input: one users/current and one delete, 429s included. */
const DELETE_BUDGET_MS = 300_000;

/**
 * A Vast client for this step: nothing is sent past `budget` (ms from now, or a budget whose
 * deadline a cancel can move), and the step's cancellation aborts it, unless it is the client
 * that cleans up after a cancel.
 */
async function makeClient(settings, environment, budget, { cancellable = true, matrix } = {}) {
    const { runner, signal } = environment;
    const deadline = typeof budget === 'number' ? Date.now() + budget : 0;
    const options = {
        baseUrl: settings.apiUrl,
        apiKey: settings.adminKey,
        requestTimeoutMs: settings.requestTimeoutMs,
        retry: { ...DEFAULT_RETRY, maxAttempts: settings.maxAttempts },
        fetch: await (0,transport/* createFetch */.Hy)(environment.env),
        // Read by the client before every send and wait.
        get deadline() {
            return typeof budget === 'number' ? deadline : budget.deadline();
        },
        ...(cancellable && signal ? { signal } : {}),
        ...(matrix ? { matrix } : {}),
        // The client's line per request and per retry, only when the runner shows debug lines
        // (RUNNER_DEBUG): a sweep of thousands of keys would otherwise scrub and write them all for
        // nothing (issue 20: its peak memory).
        ...(runner.isDebug() ? { debug: (message) => runner.debug(message) } : {}),
        info: (message) => runner.info(message),
    };
    return new VastClient(options);
}
async function runMain(environment) {
    const { runner } = environment;
    try {
        // First, before any input is read: every state name post reads gets main's value, so no
        // STATE_* line another step writes to $GITHUB_ENV can reach post (src/action/modes/state.ts), and
        // post sends no secret over a network main did not see (src/core/network-fingerprint.ts).
        (0,modes_state/* saveEveryStateName */.TS)(runner);
        runner.saveState(network_fingerprint/* NETWORK_STATE */.V$, (0,network_fingerprint/* networkFingerprint */.j8)(environment.env, runner.getInput('admin-api-key')));
        const settings = await parseInputs({ getInput: (name) => runner.getInput(name), env: environment.env }, {
            onSecret: (value) => runner.setSecret(value),
            // Errors only: the parser's warnings would quote the input on stderr.
            loadYaml: async () => {
                const { parse } = await __nccwpck_require__.e(/* import() */ 815).then(__nccwpck_require__.t.bind(__nccwpck_require__, 8815, 19));
                return (text) => parse(text, { logLevel: 'error' });
            },
        });
        for (const secret of (0,transport/* proxySecrets */.Wm)(environment.env))
            runner.setSecret(secret);
        for (const warning of settings.warnings)
            runner.warning(warning);
        await runMode(settings, environment);
    }
    catch (error) {
        fail(runner, error);
    }
}
async function runMode(settings, environment) {
    const { runner, signal } = environment;
    const now = environment.now ?? (() => new Date());
    switch (settings.mode) {
        case 'create': {
            if (settings.broker) {
                const { runBrokerCreate } = await Promise.all(/* import() */[__nccwpck_require__.e(799), __nccwpck_require__.e(830)]).then(__nccwpck_require__.bind(__nccwpck_require__, 9830));
                return runBrokerCreate({ ...settings, broker: settings.broker }, await brokerDeps(environment, Date.now() + settings.createBudgetMs));
            }
            const { runCreate } = await Promise.all(/* import() */[__nccwpck_require__.e(799), __nccwpck_require__.e(297)]).then(__nccwpck_require__.bind(__nccwpck_require__, 297));
            return runCreate(settings, {
                ...(await mintDeps(settings, environment)),
                configFilePath: (0,config_file/* configFilePath */.ks)(environment.env),
            });
        }
        case 'rotate': {
            const { runRotate, SecretWriter } = await Promise.all(/* import() */[__nccwpck_require__.e(449), __nccwpck_require__.e(772)]).then(__nccwpck_require__.bind(__nccwpck_require__, 6772));
            const writer = new SecretWriter({
                token: settings.githubToken,
                apiUrl: settings.githubApiUrl,
                maxAttempts: settings.maxAttempts,
                fetch: await (0,transport/* createFetch */.Hy)(environment.env),
                debug: (message) => runner.debug(message),
                ...(signal ? { signal } : {}),
            }, settings.target, settings.secretName);
            return runRotate(settings, {
                ...(await mintDeps(settings, environment)),
                writer,
                clientFor: (minted) => makeClient({ ...settings, adminKey: minted.key }, environment, DELETE_BUDGET_MS),
                freshClient: ({ cancellable = true } = {}) => makeClient(settings, environment, cancellable ? DELETE_BUDGET_MS : signals/* CANCEL_CLEANUP_BUDGET_MS */.vb, { cancellable }),
                sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            });
        }
        case 'delete': {
            const { runDelete } = await __nccwpck_require__.e(/* import() */ 310).then(__nccwpck_require__.bind(__nccwpck_require__, 7310));
            const client = await makeClient(settings, environment, DELETE_BUDGET_MS);
            return runDelete(settings, { runner, client });
        }
        case 'sweep': {
            const { runSweep } = await __nccwpck_require__.e(/* import() */ 429).then(__nccwpck_require__.bind(__nccwpck_require__, 7429));
            // One deadline for the Vast calls and the GitHub run look-ups.
            const deadline = Date.now() + settings.budgetMs;
            const client = await makeClient(settings, environment, settings.budgetMs);
            let runs;
            if (settings.githubToken) {
                const { RunReader } = await __nccwpck_require__.e(/* import() */ 592).then(__nccwpck_require__.bind(__nccwpck_require__, 7592));
                runs = new RunReader({
                    token: settings.githubToken,
                    apiUrl: settings.githubApiUrl,
                    requestTimeoutMs: settings.requestTimeoutMs,
                    fetch: await (0,transport/* createFetch */.Hy)(environment.env),
                    ...(signal ? { signal } : {}),
                    deadline,
                    debug: (message) => runner.debug(message),
                    info: (message) => runner.info(message),
                });
            }
            const sweepDeps = {
                runner,
                client,
                now,
                ...(signal ? { signal } : {}),
                ...(runs ? { runs } : {}),
            };
            await runSweep(settings, sweepDeps);
            if (settings.instances === 'destroy') {
                const { runInstanceSweep } = await Promise.all(/* import() */[__nccwpck_require__.e(799), __nccwpck_require__.e(944)]).then(__nccwpck_require__.bind(__nccwpck_require__, 1944));
                await runInstanceSweep(settings, sweepDeps);
            }
            return;
        }
    }
}
/**
 * What create mode with broker-url needs: the runner's environment and a transport. `post`: a
 * transport that cannot be made (createFetch's refusal: a proxy variable, NODE_DEBUG) becomes the
 * post step's `networkRefusal`, so that the key left behind is named; main lets it throw.
 */
async function brokerDeps(environment, deadline, post = false) {
    const { runner, env, signal } = environment;
    let fetch;
    let refusal;
    try {
        fetch = await (0,transport/* createFetch */.Hy)(env);
    }
    catch (error) {
        if (!post)
            throw error;
        refusal = `${error.message}; the OIDC token was not requested`;
        const failure = error instanceof Error ? error : new Error(String(error));
        fetch = () => Promise.reject(failure);
    }
    return {
        runner,
        env,
        fetch,
        configFilePath: (0,config_file/* configFilePath */.ks)(env),
        deadline: () => deadline,
        ...(signal ? { signal } : {}),
        ...(refusal ? { networkRefusal: refusal } : {}),
    };
}
/** What minting a key needs (create and rotate). */
async function mintDeps(settings, environment) {
    return {
        runner: environment.runner,
        // The create shares the parent key's rate with the rest of the matrix: paced by its place.
        client: await makeClient(settings, environment, settings.createBudgetMs, {
            matrix: settings.matrix,
        }),
        now: environment.now ?? (() => new Date()),
        nonce: () => (0,external_node_crypto_.randomBytes)(4).toString('hex'),
        cleanupClient: () => makeClient(settings, environment, signals/* CANCEL_CLEANUP_BUDGET_MS */.vb, { cancellable: false }),
    };
}
/**
 * The post step. A cancel does not stop it: `budget` (made by post.ts before its first await)
 * shortens to the runner's grace on SIGINT, and only then aborts what is in flight.
 */
async function runPost(environment) {
    const { runner } = environment;
    const budget = environment.budget ?? new signals/* GraceBudget */.uT(POST_BUDGET_MS);
    try {
        for (const secret of (0,transport/* proxySecrets */.Wm)(environment.env))
            runner.setSecret(secret);
        const mode = runner.getState(modes_state/* STATE */.c4.mode);
        if (mode === '' || mode === modes_state/* NO_KEY_MODE */.k7) {
            runner.info('Nothing to clean up: the main step made no key to delete.');
            return;
        }
        // Decisions come from the inputs, which no other step can change; state is checked against them.
        const inputs = readPostInputs((name) => runner.getInput(name));
        // A secret goes out only over the network main saw (src/core/network-fingerprint.ts).
        const network = (0,network_fingerprint/* checkNetwork */.v8)(runner.getState(network_fingerprint/* NETWORK_STATE */.V$), environment.env, runner.getInput('admin-api-key'));
        if (mode === 'broker') {
            const { runBrokerPost } = await Promise.all(/* import() */[__nccwpck_require__.e(799), __nccwpck_require__.e(830)]).then(__nccwpck_require__.bind(__nccwpck_require__, 9830));
            return await runBrokerPost({
                ...(await brokerDeps({ ...environment, signal: budget.signal }, 0, true)),
                ...(network.ok
                    ? {}
                    : { networkRefusal: `${network.reason}; the OIDC token was not requested` }),
                deadline: () => budget.deadline(),
            }, inputs);
        }
        const { runCreatePost } = await __nccwpck_require__.e(/* import() */ 888).then(__nccwpck_require__.bind(__nccwpck_require__, 6888));
        const postClient = async (apiUrl, state) => {
            if (!network.ok)
                throw new Error(`${network.reason}; the parent key was not sent (a sweep or delete step in a job whose steps leave these settings alone can delete the key)`);
            const adminKey = runner.getInput('admin-api-key');
            runner.setSecret(adminKey);
            if (!adminKey) {
                throw new Error("input 'admin-api-key' is empty in the post step");
            }
            return makeClient({ ...state, apiUrl, adminKey: new secret/* Secret */.z(adminKey) }, { ...environment, signal: budget.signal }, budget);
        };
        try {
            await runCreatePost({ runner, budget, inputs, makeClient: postClient });
        }
        finally {
            // After the key: once it is deleted, nothing can start another instance with it.
            if (mode === 'create') {
                await destroyJobInstances(environment, budget, inputs, (state) => postClient(inputs.apiUrl ?? '', state));
            }
        }
    }
    catch (error) {
        fail(runner, error);
    }
}
/** `instances: destroy` (docs/instances.md): the job's labelled instances, after its key. */
async function destroyJobInstances(environment, budget, inputs, postClient) {
    const { runner, env } = environment;
    const { readInstancesForPost } = await Promise.resolve(/* import() */).then(__nccwpck_require__.bind(__nccwpck_require__, 2050));
    const settings = readInstancesForPost({ getInput: (name) => runner.getInput(name), env });
    if (settings.instances !== 'destroy')
        return;
    const { runInstancesPost } = await Promise.all(/* import() */[__nccwpck_require__.e(799), __nccwpck_require__.e(796)]).then(__nccwpck_require__.bind(__nccwpck_require__, 6796));
    const state = (0,modes_state/* readJson */.Vh)(runner.getState(modes_state/* STATE */.c4.create));
    const keyId = (0,modes_state/* readKeyId */.jN)(runner.getState(modes_state/* STATE */.c4.keyId));
    if (!state || typeof keyId !== 'number') {
        // The label is handed out with the key: without a key, no step of the job ever saw it.
        runner.info('instances: destroy, but the main step made no key: nothing to destroy.');
        return;
    }
    await runInstancesPost({
        runner,
        settings,
        context: readContext(env),
        cleanupFailure: inputs.cleanupFailure,
        budget,
        makeClient: () => postClient(state),
    });
}
/** Expected failures (bad input, API errors) show their message only; others add a debug stack. */
function fail(runner, error) {
    const message = error instanceof Error ? error.message : String(error);
    runner.setFailed(message);
    const expected = error instanceof inputs_settings/* InputError */.dz || error instanceof errors/* VastApiError */.h;
    if (!expected && error instanceof Error && error.stack)
        runner.debug(error.stack);
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
;// CONCATENATED MODULE: ./src/action/runner.ts




const defaultIo = {
    env: process.env,
    write: (line) => process.stdout.write(line + external_node_os_.EOL),
    appendFile: (path, text) => (0,external_node_fs_.appendFileSync)(path, text, { encoding: 'utf8' }),
    setExitCode: (code) => {
        process.exitCode = code;
    },
};
/** A command's data, escaped as the runner unescapes it (ActionCommand._escapeDataMappings). */
function escapeData(value) {
    return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** A command property, escaped as the runner unescapes it (_escapePropertyMappings). */
function escapeProperty(value) {
    return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
function inputEnvName(name) {
    return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
/**
 * What breaks `::` and `##[`: a plain space, visible on purpose. Not a zero-width character: the
 * runner finds `::` and `##[` with .NET's culture-sensitive `StartsWith`/`IndexOf`, which on ICU
 * skip characters such as U+200B; a space is never skipped (and is no command character).
 */
const BREAK = ' ';
/**
 * What the runner's `TrimStart()` may skip before `::` (.NET `char.IsWhiteSpace`: Unicode
 * separators, tab to CR, U+0085, U+00A0), widened to every control and format character.
 */
const LEADING = /^[\s\p{Z}\p{Cc}\p{Cf}]*/u;
/**
 * Neutralises every workflow command the runner would read in `text`, changing one character.
 *
 * The runner reads a step's stdout/stderr one line at a time, `StreamReader.ReadLine`, so a line
 * ends at LF, CR or CRLF (actions/runner src/Runner.Sdk/ProcessInvoker.cs, StartReadStream). A
 * line holding `##[` or `::` goes to ActionCommandManager.TryProcessCommand
 * (src/Runner.Worker/Handlers/OutputManager.cs, OnDataReceived), which tries two parsers
 * (src/Runner.Common/ActionCommand.cs):
 * - TryParseV2: `::name props::data` at the start of the line after `TrimStart()`;
 * - TryParse, the legacy form: `##[name props]data` **anywhere** in the line.
 * Command names are matched case-insensitively, and `stop-commands` adds its token as a command.
 * So in every line: a `::` that starts it after leading blanks gets a space between its colons
 * (`: :`), and every `##[` gets one before its bracket (`## [`). Line ends are kept as they are. The
 * runner's `%` escapes matter only inside a command line the action writes itself: its data and
 * properties are escaped there ({@link escapeData}), after this.
 */
function neutraliseCommands(text) {
    const parts = text.split(/(\r\n|\r|\n)/);
    for (let i = 0; i < parts.length; i += 2) {
        let line = (parts[i] ?? '').replaceAll('##[', `##${BREAK}[`);
        const lead = LEADING.exec(line)?.[0].length ?? 0;
        if (line.startsWith('::', lead)) {
            line = `${line.slice(0, lead)}:${BREAK}${line.slice(lead + 1)}`;
        }
        parts[i] = line;
    }
    return parts.join('');
}
/** A run of this many characters of a secret (or of an encoded form) is scrubbed. */
const SECRET_RUN = 12;
/** Lower case, one UTF-16 unit for one: positions in the folded text match the original. */
function fold(text) {
    // ASCII (most lines): lower case is one unit for one already, without a string per character.
    if (ASCII.test(text))
        return text.toLowerCase();
    let out = '';
    for (const ch of text) {
        const lower = ch.toLowerCase();
        out += lower.length === ch.length ? lower : ch;
    }
    return out;
}
/**
 * The forms the runner's masker registers for a value (actions/runner HostContext: base64 at
 * three byte alignments, and the expression-, JSON-, URI- and XML-escaped strings).
 */
function encodedForms(value) {
    const bytes = Buffer.from(value, 'utf8');
    const base64 = [0, 1, 2]
        .filter((shift) => bytes.length > shift + 2)
        .map((shift) => bytes.subarray(shift).toString('base64'));
    const json = JSON.stringify(value).slice(1, -1);
    const uri = encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const xml = value
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')
        .replaceAll('"', '&quot;')
        .replaceAll("'", '&apos;');
    return [value, ...base64, json, uri, xml, value.replaceAll("'", "''")];
}
/**
 * What may stand between the characters of a secret echoed back: line ends (a message put on one
 * line turns them into spaces), blanks, control and format characters (zero-width ones included).
 * The scrubber also matches a secret with any of these removed.
 */
const SEPARATOR = /[\s\p{Z}\p{Cc}\p{Cf}]/u;
const runner_SEPARATORS = new RegExp(`${SEPARATOR.source}+`, 'gu');
const ASCII = /^[\x00-\x7f]*$/;
/**
 * A line of a multi-line secret shorter than this is not registered (nor sent to the runner on
 * its own: see {@link createRunner}'s setSecret). A line of a few characters gives little away
 * when it shows, while masking it would hide every occurrence of it in the log (a line `e` turns
 * every `e` into `***`) and show the secret by the holes it leaves. Same as the inputs'
 * MASKED_SECRET_LENGTH (src/action/inputs/settings.ts).
 */
const MIN_SECRET_LINE = 8;
/** The lines of a value worth masking on their own: trimmed, {@link MIN_SECRET_LINE} or longer. */
function maskableLines(value) {
    return value
        .split(/[\r\n]+/)
        .map((line) => line.trim())
        .filter((line) => line.length >= MIN_SECRET_LINE);
}
/**
 * `text` without separators, and for each of its UTF-16 units the index it came from. Found run
 * by run rather than character by character: a long text (a sweep's deleted-keys output) costs
 * one array and one string, not a string per character (issue 20: the sweep's peak memory).
 */
function compact(text) {
    const at = [];
    let kept = 0;
    let found = false;
    for (const run of text.matchAll(runner_SEPARATORS)) {
        for (let i = kept; i < run.index; i++)
            at.push(i);
        kept = run.index + run[0].length;
        found = true;
    }
    for (let i = kept; i < text.length; i++)
        at.push(i);
    return { text: found ? text.replace(runner_SEPARATORS, '') : text, at };
}
/** A number for the {@link SECRET_RUN} units of `text` from `from` (a polynomial, mod 2^32). */
function runHash(text, from) {
    let hash = 0;
    for (let k = from; k < from + SECRET_RUN; k++)
        hash = (Math.imul(hash, 31) + text.charCodeAt(k)) | 0;
    return hash;
}
/** 31 ** (SECRET_RUN - 1), mod 2^32: what the first unit of a run weighs in its hash. */
const RUN_LEAD = Array.from({ length: SECRET_RUN - 1 }).reduce((power) => Math.imul(power, 31), 1);
/**
 * The secrets this step registered, and their removal from text. A value is registered whole,
 * with each of its trimmed lines of {@link MIN_SECRET_LINE} or more characters (as `::add-mask::`
 * does, less the short lines) and the encoded forms the runner also masks. In text, letter case
 * is ignored, and every run of {@link SECRET_RUN} or more consecutive characters of a form is
 * replaced: a message that quotes a key cut short, or upper-cased, shows `***` too. Forms shorter
 * than that are replaced where they occur whole. Separators ({@link SEPARATOR}) are ignored on
 * both sides: a key echoed cut into lines, or with spaces or zero-width characters between its
 * characters, is matched as if they were not there, and replaced from its first character to its
 * last. Overlapping matches merge into one `***`, as the runner's masker does.
 */
class SecretScrubber {
    #runs = new Set();
    /** The hashes of #runs: most positions of a text are ruled out without a string made. */
    #runHashes = new Set();
    #short = new Set();
    #values = new Set();
    /** Registers a value (what `::add-mask::` registers: the whole and each long trimmed line). */
    add(value) {
        const values = [value, ...maskableLines(value)];
        for (const one of values) {
            if (one.trim() === '' || this.#values.has(one))
                continue;
            this.#values.add(one);
            for (const form of encodedForms(one).map((f) => compact(fold(f)).text)) {
                if (form === '')
                    continue;
                // A multi-line value is matched whole; runs come from each of its lines.
                if (form.length < SECRET_RUN || /[\r\n]/.test(one)) {
                    this.#short.add(form);
                    continue;
                }
                for (let i = 0; i + SECRET_RUN <= form.length; i++) {
                    this.#runs.add(form.slice(i, i + SECRET_RUN));
                    this.#runHashes.add(runHash(form, i));
                }
            }
        }
    }
    /** True when `value` is exactly a registered value. */
    has(value) {
        return this.#values.has(value);
    }
    scrub(text) {
        if (this.#values.size === 0 || text === '')
            return text;
        const { text: folded, at } = compact(fold(text));
        const ranges = [];
        // A match in the compacted text covers the original from its first character to its last.
        const add = (from, to) => ranges.push([at[from] ?? 0, (at[to - 1] ?? 0) + 1]);
        for (const form of this.#short) {
            for (let i = folded.indexOf(form); i >= 0; i = folded.indexOf(form, i + 1)) {
                add(i, i + form.length);
            }
        }
        // A rolling hash picks the positions worth a look; the look itself compares the strings.
        let hash = folded.length >= SECRET_RUN ? runHash(folded, 0) : 0;
        for (let i = 0; i + SECRET_RUN <= folded.length; i++) {
            if (i > 0) {
                const dropped = Math.imul(folded.charCodeAt(i - 1), RUN_LEAD);
                hash = (Math.imul(hash - dropped, 31) + folded.charCodeAt(i + SECRET_RUN - 1)) | 0;
            }
            if (this.#runHashes.has(hash) && this.#runs.has(folded.slice(i, i + SECRET_RUN))) {
                add(i, i + SECRET_RUN);
            }
        }
        if (ranges.length === 0)
            return text;
        ranges.sort((a, b) => a[0] - b[0]);
        let out = '';
        let cursor = 0;
        let end = -1;
        for (const [from, to] of ranges) {
            if (from > end) {
                if (end >= 0)
                    out += '***';
                out += text.slice(cursor, from);
            }
            end = Math.max(end, to);
            cursor = end;
        }
        return out + '***' + text.slice(cursor);
    }
}
function createRunner(io = defaultIo) {
    const secrets = new SecretScrubber();
    /** The chokepoint: secrets out, then commands neutralised. */
    const present = (text) => neutraliseCommands(secrets.scrub(text));
    // The action's own command line: a fixed name, its properties and data escaped.
    const command = (name, message, properties = {}) => {
        const props = Object.entries(properties)
            .filter(([, value]) => value !== undefined && value !== '' && value !== 0)
            .map(([key, value]) => `${key}=${escapeProperty(present(String(value)))}`)
            .join(',');
        io.write(`::${name}${props ? ' ' + props : ''}::${escapeData(present(message))}`);
    };
    // File commands use the heredoc form with a random delimiter, so no value can end its own entry.
    const fileCommand = (variable, name, value) => {
        const path = io.env[variable];
        if (!path) {
            command('debug', `${variable} is not set; '${name}' was not written (not running under a runner?)`);
            return;
        }
        const delimiter = `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`;
        if (name.includes(delimiter) || value.includes(delimiter)) {
            throw new Error(`Unexpected delimiter in the value of '${name}'`);
        }
        io.appendFile(path, `${name}<<${delimiter}${external_node_os_.EOL}${value}${external_node_os_.EOL}${delimiter}${external_node_os_.EOL}`);
    };
    // A secret handed out (the api-key output, VAST_API_KEY) is written as it is, masked first.
    const valueOf = (value) => {
        if (!(value instanceof secret/* Secret */.z))
            return present(value);
        const revealed = value.reveal();
        if (!secrets.has(revealed))
            setSecret(revealed);
        return revealed;
    };
    // The runner masks the whole value and every trimmed line of it, however short. A value with a
    // short line is sent line by line instead, the short lines left out (docs/runner-protocol.md).
    const setSecret = (value) => {
        if (value.trim() === '')
            return;
        secrets.add(value);
        const lines = value.split(/[\r\n]+/).filter((line) => line.trim() !== '');
        const long = maskableLines(value);
        for (const one of lines.length === long.length ? [value] : long) {
            io.write(`::add-mask::${escapeData(one)}`);
        }
    };
    return {
        getInput: (name) => (io.env[inputEnvName(name)] ?? '').trim(),
        getState: (name) => io.env[`STATE_${name}`] ?? '',
        setSecret,
        setOutput: (name, value) => fileCommand('GITHUB_OUTPUT', name, valueOf(value)),
        saveState: (name, value) => fileCommand('GITHUB_STATE', name, value),
        exportVariable: (name, value) => {
            const text = valueOf(value);
            io.env[name] = text;
            fileCommand('GITHUB_ENV', name, text);
        },
        appendSummary: (markdown) => {
            const path = io.env.GITHUB_STEP_SUMMARY;
            const text = present(markdown);
            if (path)
                io.appendFile(path, text.endsWith(external_node_os_.EOL) ? text : text + external_node_os_.EOL);
        },
        isDebug: () => io.env.RUNNER_DEBUG === '1',
        debug: (message) => command('debug', message),
        info: (message) => io.write(present(message)),
        notice: (message, properties) => command('notice', message, properties),
        warning: (message, properties) => command('warning', message, properties),
        error: (message, properties) => command('error', message, properties),
        setFailed: (message) => {
            io.setExitCode(1);
            command('error', message);
        },
    };
}

;// CONCATENATED MODULE: ./src/action/main.ts



/** The main step: the real runner, environment and cancellation signal, nothing else. */
async function main() {
    const runner = createRunner();
    (0,signals/* failOnUncaught */.ju)((message, stack) => {
        runner.setFailed(message);
        if (stack)
            runner.debug(stack);
    }, (message) => runner.debug(message));
    const signal = (0,signals/* cancellationSignal */.w6)((name) => runner.info(`Received ${name}: stopping.`));
    await runMain({ runner, env: process.env, signal });
    // Everything is written (file commands and stdout are synchronous). Do not wait for timers a
    // library may have left behind, such as Octokit's retry scheduler after a bounded call.
    process.exit();
}

;// CONCATENATED MODULE: ./src/action/post.ts



/**
 * The post step: the real runner, environment and cancellation, nothing else. Its signal
 * handlers are in place before its first await (and dist/post.js catches signals that come
 * while the bundle loads): a cancel must not stop the delete.
 */
async function post(early) {
    const runner = createRunner();
    (0,signals/* failOnUncaught */.ju)((message, stack) => {
        runner.setFailed(message);
        if (stack)
            runner.debug(stack);
    }, (message) => runner.debug(message));
    const budget = new signals/* GraceBudget */.uT(POST_BUDGET_MS);
    (0,signals/* graceSignals */.KU)(budget, (name) => runner.info(budget.interruptedAt === undefined && name === 'SIGINT'
        ? `Received ${name}: the key is still deleted, within the runner's grace before SIGTERM.`
        : `Received ${name}: stopping.`), early);
    await runPost({ runner, env: process.env, budget });
    // As in main: nothing is left to write, and nothing worth waiting for.
    process.exit();
}

;// CONCATENATED MODULE: ./src/action/index.ts
// The bundle's root. dist/main.js and dist/post.js (written by scripts/build.mjs) each call one.



var __webpack_exports__main = __webpack_exports__.i;
var __webpack_exports__post = __webpack_exports__.b;
export { __webpack_exports__main as main, __webpack_exports__post as post };
