/**
 * Open Inference Protocol v2 (KServe, Triton, Seldon MLServer): the JSON body of
 * POST /v2/models/{name}/infer. Labs maps a plain input object to one tensor per key and an
 * answer's output tensors back to {name: value}, checking the answer's shapes and types, so a
 * model server's garbage never reaches the caller as if it were a prediction.
 */
export interface V2Tensor {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
}

const NUMERIC = new Set([
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Leaf = number | string | boolean;

/** flatten walks a nested array, returning its shape and row-major leaves if it is rectangular. */
function flatten(v: unknown): { shape: number[]; data: unknown[] } | null {
  if (!Array.isArray(v)) return { shape: [], data: [v] };
  if (v.length === 0) return { shape: [0], data: [] };
  const parts = v.map(flatten);
  const first = parts[0];
  if (!first) return null;
  const data: unknown[] = [];
  for (const p of parts) {
    if (!p || p.shape.length !== first.shape.length || p.shape.some((d, i) => d !== first.shape[i]))
      return null;
    data.push(...p.data);
  }
  return { shape: [v.length, ...first.shape], data };
}

function datatypeOf(data: unknown[]): string | null {
  if (data.length === 0) return 'FP64';
  if (data.every((x) => typeof x === 'number' && Number.isFinite(x))) return 'FP64';
  if (data.every((x) => typeof x === 'boolean')) return 'BOOL';
  if (data.every((x) => typeof x === 'string')) return 'BYTES';
  return null;
}

/** toV2Request builds an inference request, or says which input key cannot be a tensor. */
export function toV2Request(input: unknown): { body: unknown } | { error: string } {
  if (isObject(input) && Array.isArray(input['inputs'])) return { body: input };
  if (!isObject(input))
    return { error: 'input: must be an object (one tensor per key) or a v2 request with "inputs"' };
  const inputs: V2Tensor[] = [];
  for (const [name, value] of Object.entries(input)) {
    const flat = flatten(value);
    if (!flat) return { error: `input.${name}: nested lists must be rectangular to be a tensor` };
    const datatype = datatypeOf(flat.data);
    if (!datatype)
      return { error: `input.${name}: a tensor holds only numbers, only booleans or only strings` };
    inputs.push({ name, datatype, shape: flat.shape.length ? flat.shape : [1], data: flat.data });
  }
  return { body: { inputs } };
}

function reshape(data: readonly Leaf[], shape: readonly number[]): unknown {
  if (shape.length === 0) return data[0];
  if (shape.length === 1) return [...data];
  const [d0 = 0, ...rest] = shape;
  const stride = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: d0 }, (_, i) => reshape(data.slice(i * stride, (i + 1) * stride), rest));
}

/**
 * fromV2Response checks an inference answer and returns {name: value} with each tensor reshaped
 * to nested lists (a scalar for shape []), or the first thing wrong with it.
 */
export function fromV2Response(body: unknown): { output: Record<string, unknown> } | { error: string } {
  if (!isObject(body) || !Array.isArray(body['outputs']) || body['outputs'].length === 0)
    return { error: 'the answer has no "outputs" list' };
  const output: Record<string, unknown> = {};
  for (const [i, t] of body['outputs'].entries()) {
    const at = `outputs.${i}`;
    if (!isObject(t)) return { error: `${at}: must be an object` };
    const { name, datatype, shape, data } = t;
    if (typeof name !== 'string' || name === '') return { error: `${at}.name: must be a string` };
    if (typeof datatype !== 'string') return { error: `${at}.datatype: must be a string` };
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      return { error: `${at}.shape: must be a list of sizes` };
    const flat = flatten(data);
    if (!Array.isArray(data) || !flat) return { error: `${at}.data: must be a (rectangular) list` };
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (flat.data.length !== size)
      return {
        error: `${at}.data: holds ${flat.data.length} values but shape ${JSON.stringify(shape)} needs ${size}`,
      };
    const ok = NUMERIC.has(datatype)
      ? flat.data.every((x) => typeof x === 'number' && Number.isFinite(x))
      : datatype === 'BOOL'
        ? flat.data.every((x) => typeof x === 'boolean')
        : datatype === 'BYTES'
          ? flat.data.every((x) => typeof x === 'string')
          : false;
    if (!ok) return { error: `${at}: data does not match datatype ${datatype.slice(0, 16)}` };
    if (Object.hasOwn(output, name)) return { error: `${at}.name: ${name} appears twice` };
    output[name] = reshape(flat.data as Leaf[], shape as number[]);
  }
  return { output };
}
