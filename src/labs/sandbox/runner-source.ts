/**
 * RUNNER_SOURCE is the program each sandboxed child runs (`node --input-type=module -e`), so
 * no runner file has to be readable by the child and nothing but the prototype folder is
 * allowed. It is plain JavaScript in a string because it runs under the child's own Node, not
 * through the build; src/labs/sandbox/sandbox.int.test.ts exercises every branch of it.
 *
 * Protocol: the parent writes one JSON line per message to the child's stdin
 * (`call` {id, input, feature}; `qr` {q, rows | error}); the child writes JSON lines to fd 3
 * (`ready`; `fatal` {reason, message}; `query` {id, q, view, params};
 * `done` {id, status, reason, message, output, cpu_us, maxrss_kb, spans}). fd 3 is a pipe the
 * parent reads with a frame-size cap, so a prototype cannot flood the server with one message.
 *
 * Before the prototype is imported the runner takes away what Node 20's permission model does
 * not: network (sockets, DNS, fetch), signals to other processes (process.kill, which could
 * stop the server, and process._debugProcess, which could open an inspector in it), priority
 * changes, V8 flags and trace events (which write files the permission model does not see). Everything it needs itself is captured first, so the prototype cannot
 * intercept it by patching globals.
 */
export const RUNNER_SOURCE = String.raw`
const gb = (name) => process.getBuiltinModule(name);
const fs = gb('node:fs');
const writeSync = fs.writeSync;
const stringify = JSON.stringify;
const parse = JSON.parse;
const bufFrom = Buffer.from.bind(Buffer);
const byteLength = Buffer.byteLength.bind(Buffer);
const cpuUsage = process.cpuUsage.bind(process);
const resourceUsage = process.resourceUsage.bind(process);
const now = performance.now.bind(performance);
const exit = process.exit.bind(process);
const isFinite = Number.isFinite;
const MapCtor = Map;
const entryUrl = process.argv[1];
const cfg = parse(process.argv[2]);

function send(msg) {
  const b = bufFrom(stringify(msg) + '\n', 'utf8');
  let off = 0;
  while (off < b.length) off += writeSync(3, b, off, b.length - off);
}

function describe(e) {
  try {
    if (e instanceof Error) return String(e.name) + ': ' + String(e.message).slice(0, 300);
    return 'a thrown ' + (e === null ? 'null' : typeof e);
  } catch {
    return 'an error that could not be described';
  }
}

function denied(what) {
  return function denied() {
    const e = new Error(what + ' is not available to Labs prototypes');
    e.code = 'ERR_ACCESS_DENIED';
    throw e;
  };
}

function harden() {
  const NET = denied('Network access');
  const net = gb('node:net');
  net.connect = NET;
  net.createConnection = NET;
  net.createServer = NET;
  net.Socket.prototype.connect = NET;
  net.Server.prototype.listen = NET;
  const dgram = gb('node:dgram');
  dgram.createSocket = NET;
  for (const k of ['bind', 'connect', 'send']) dgram.Socket.prototype[k] = NET;
  for (const mod of [gb('node:dns'), gb('node:dns').promises]) {
    for (const k of Object.keys(mod)) {
      if (k === 'Resolver' || k === 'promises') continue;
      if (typeof mod[k] === 'function') mod[k] = NET;
    }
    for (const k of Object.getOwnPropertyNames(mod.Resolver.prototype))
      if (k !== 'constructor') mod.Resolver.prototype[k] = NET;
  }
  for (const name of ['node:http', 'node:https']) {
    const m = gb(name);
    m.request = NET;
    m.get = NET;
  }
  gb('node:tls').connect = NET;
  gb('node:http2').connect = NET;
  for (const k of ['fetch', 'WebSocket', 'EventSource'])
    Object.defineProperty(globalThis, k, { value: NET, writable: false, configurable: false });
  const SIG = denied('Sending signals');
  // Plain assignments: Node's own code reassigns some of these (a Worker's setup writes
  // process.chdir), and the originals are gone either way.
  for (const k of ['kill', '_kill', '_debugProcess', '_debugEnd']) process[k] = SIG;
  for (const k of ['setuid', 'setgid', 'seteuid', 'setegid', 'setgroups', 'initgroups', 'chdir'])
    if (k in process) process[k] = denied('process.' + k);
  gb('node:os').setPriority = denied('Changing process priority');
  gb('node:v8').setFlagsFromString = denied('Changing V8 flags');
  // trace_events is outside the permission model: its agent writes node_trace.*.log into the
  // working folder (measured: 44.6 MB in 4 s from a prototype with no write permission).
  gb('node:trace_events').createTracing = denied('Tracing (trace_events)');
  gb('node:module').syncBuiltinESMExports();
}

let current = null;
let spans = new MapCtor();
let queries = 0;
let qseq = 0;
const pendingQ = new MapCtor();

const ctxFor = (call) => Object.freeze({
  feature: call.feature,
  span(name, fn) {
    if (typeof fn !== 'function') throw new TypeError('ctx.span(name, fn): fn must be a function');
    const t0 = now();
    const end = () => {
      if (current !== call) return;
      const n = String(name).slice(0, 128);
      if (!spans.has(n) && spans.size >= cfg.maxSpans) return;
      spans.set(n, (spans.get(n) || 0) + (now() - t0));
    };
    let r;
    try {
      r = fn();
    } catch (e) {
      end();
      throw e;
    }
    if (r !== null && typeof r === 'object' && typeof r.then === 'function')
      return Promise.resolve(r).then((v) => { end(); return v; }, (e) => { end(); throw e; });
    end();
    return r;
  },
  query(view, params) {
    if (current !== call) return Promise.reject(new Error('ctx.query: this call has ended'));
    if (typeof view !== 'string' || /\s/.test(view))
      return Promise.reject(new Error('ctx.query(view, params): name a view (models, records, feature_stats); raw SQL is not accepted'));
    queries += 1;
    if (queries > cfg.maxQueries) return Promise.reject(new Error('ctx.query: at most ' + cfg.maxQueries + ' queries per call'));
    qseq += 1;
    const q = qseq;
    return new Promise((resolve, reject) => {
      pendingQ.set(q, { resolve, reject });
      try {
        send({ t: 'query', id: call.id, q, view, params: params === undefined ? {} : params });
      } catch (e) {
        pendingQ.delete(q);
        reject(new Error('ctx.query: params must be JSON'));
      }
    });
  },
});

function toJson(out) {
  let bad = null;
  let json;
  try {
    json = stringify(out, function (_k, v) {
      const t = typeof v;
      if (bad === null) {
        if (t === 'number' && !isFinite(v)) bad = 'a non-finite number (' + String(v) + ')';
        else if (t === 'function' || t === 'symbol' || t === 'bigint') bad = 'a ' + t;
      }
      return t === 'bigint' ? null : v;
    });
  } catch (e) {
    return { error: 'a value JSON cannot carry (' + describe(e) + ')' };
  }
  if (bad !== null) return { error: 'a value JSON cannot carry: ' + bad };
  if (json === undefined) return { error: 'undefined' };
  if (byteLength(json, 'utf8') > cfg.maxOutputBytes) return { error: 'more than ' + cfg.maxOutputBytes + ' bytes' };
  return { json };
}

async function run(mod, call) {
  current = call;
  spans = new MapCtor();
  queries = 0;
  const cpu0 = cpuUsage();
  let status = 'ok';
  let reason = 'ok';
  let message = '';
  let output;
  try {
    if (typeof mod.validate === 'function') {
      let verdict;
      try {
        verdict = await mod.validate(call.input);
      } catch (e) {
        verdict = describe(e);
      }
      if (verdict === false || typeof verdict === 'string') {
        status = 'rejected';
        reason = 'invalid_input';
        message = typeof verdict === 'string' ? verdict.slice(0, 300) : 'validate(input) refused the input';
      }
    }
    if (status === 'ok') {
      let out;
      try {
        out = await mod.score(call.input, ctxFor(call));
      } catch (e) {
        status = 'error';
        reason = 'threw';
        message = 'score() threw ' + describe(e);
      }
      if (status === 'ok') {
        const j = toJson(out);
        if (j.error !== undefined) {
          status = 'error';
          reason = 'invalid_output';
          message = 'score() returned ' + j.error;
        } else output = j.json;
      }
    }
  } catch (e) {
    status = 'error';
    reason = 'threw';
    message = describe(e);
  }
  const cpu = cpuUsage(cpu0);
  current = null;
  for (const p of pendingQ.values()) p.reject(new Error('ctx.query: this call has ended'));
  pendingQ.clear();
  send({
    t: 'done',
    id: call.id,
    status,
    reason,
    message,
    output,
    cpu_us: cpu.user + cpu.system,
    maxrss_kb: resourceUsage().maxRSS,
    spans: [...spans.entries()],
  });
}

process.on('uncaughtException', (e) => {
  try {
    if (current !== null)
      send({ t: 'done', id: current.id, status: 'error', reason: 'threw', message: 'uncaught ' + describe(e), output: undefined, cpu_us: 0, maxrss_kb: 0, spans: [] });
  } finally {
    exit(70);
  }
});

harden();
let mod;
try {
  mod = await import(entryUrl);
} catch (e) {
  send({ t: 'fatal', reason: 'load_failed', message: 'loading the prototype failed: ' + describe(e) });
  exit(78);
}
if (typeof mod.score !== 'function') {
  send({ t: 'fatal', reason: 'load_failed', message: 'the prototype does not export score(input, ctx)' });
  exit(78);
}

let chain = Promise.resolve();
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buf += chunk;
  for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    const msg = parse(line);
    if (msg.t === 'call') chain = chain.then(() => run(mod, msg));
    else if (msg.t === 'qr') {
      const p = pendingQ.get(msg.q);
      if (p === undefined) continue;
      pendingQ.delete(msg.q);
      if (msg.error !== undefined) p.reject(new Error('ctx.query: ' + msg.error));
      else p.resolve(msg.rows);
    }
  }
});
process.stdin.on('end', () => exit(0));
send({ t: 'ready' });
`;
