import { describe, expect, it } from 'vitest';
import { fromV2Response, toV2Request } from './oip-v2.js';

describe('toV2Request', () => {
  it('maps each input key to a tensor with its shape and datatype', () => {
    expect(toV2Request({ x: [[1, 2, 3]], flag: true, text: ['a', 'b'], n: 4 })).toEqual({
      body: {
        inputs: [
          { name: 'x', datatype: 'FP64', shape: [1, 3], data: [1, 2, 3] },
          { name: 'flag', datatype: 'BOOL', shape: [1], data: [true] },
          { name: 'text', datatype: 'BYTES', shape: [2], data: ['a', 'b'] },
          { name: 'n', datatype: 'FP64', shape: [1], data: [4] },
        ],
      },
    });
  });

  it('passes a ready v2 request through and names what cannot be a tensor', () => {
    const ready = { inputs: [{ name: 'a', datatype: 'INT32', shape: [1], data: [1] }] };
    expect(toV2Request(ready)).toEqual({ body: ready });
    expect(toV2Request({ x: [[1], [1, 2]] })).toEqual({
      error: 'input.x: nested lists must be rectangular to be a tensor',
    });
    expect(toV2Request({ x: [1, 'a'] })).toEqual({
      error: 'input.x: a tensor holds only numbers, only booleans or only strings',
    });
    expect(toV2Request([1, 2])).toMatchObject({ error: expect.stringContaining('must be an object') });
  });
});

describe('fromV2Response', () => {
  it('reshapes each output tensor, with a scalar for shape []', () => {
    expect(
      fromV2Response({
        outputs: [
          { name: 'p', datatype: 'FP32', shape: [2, 2], data: [1, 2, 3, 4] },
          { name: 'label', datatype: 'BYTES', shape: [], data: ['cat'] },
          { name: 'nested', datatype: 'INT64', shape: [2], data: [[5], [6]] },
        ],
      }),
    ).toEqual({
      output: {
        p: [
          [1, 2],
          [3, 4],
        ],
        label: 'cat',
        nested: [5, 6],
      },
    });
  });

  it.each([
    [{}, 'the answer has no "outputs" list'],
    [
      { outputs: [{ name: 'p', datatype: 'FP32', shape: [3], data: [1, 2] }] },
      'outputs.0.data: holds 2 values but shape [3] needs 3',
    ],
    [
      { outputs: [{ name: 'p', datatype: 'FP32', shape: [1], data: ['x'] }] },
      'outputs.0: data does not match datatype FP32',
    ],
    [
      { outputs: [{ name: 'p', datatype: 'FP32', shape: [-1], data: [] }] },
      'outputs.0.shape: must be a list of sizes',
    ],
    [{ outputs: [{ datatype: 'FP32', shape: [1], data: [1] }] }, 'outputs.0.name: must be a string'],
    [
      {
        outputs: [
          { name: 'p', datatype: 'BOOL', shape: [1], data: [true] },
          { name: 'p', datatype: 'BOOL', shape: [1], data: [true] },
        ],
      },
      'outputs.1.name: p appears twice',
    ],
  ])('%j → %s', (body, error) => expect(fromV2Response(body)).toEqual({ error }));
});
