import { endianness } from 'node:os';
import protobuf from 'protobufjs';

/*
 * Writes ONNX models without Python: the few messages of onnx.proto a plain graph needs (model, graph,
 * node, attribute, tensor, value info), declared with the field numbers of the ONNX spec and encoded
 * by protobufjs. Enough for the synthetic encoders the tests and the benchmark generate.
 */

const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });

const ONNX_SUBSET = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: repeated('OperatorSetIdProto', 8),
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        GraphProto: {
          fields: {
            node: repeated('NodeProto', 1),
            name: { type: 'string', id: 2 },
            initializer: repeated('TensorProto', 5),
            input: repeated('ValueInfoProto', 11),
            output: repeated('ValueInfoProto', 12),
          },
        },
        NodeProto: {
          fields: {
            input: repeated('string', 1),
            output: repeated('string', 2),
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: repeated('AttributeProto', 5),
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            floats: repeated('float', 7),
            ints: repeated('int64', 8),
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: repeated('int64', 1),
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } },
        },
        TypeProto: {
          fields: { tensorType: { type: 'TensorTypeProto', id: 1 } },
        },
        TensorTypeProto: {
          fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
        },
        TensorShapeProto: {
          fields: { dim: repeated('DimensionProto', 1) },
        },
        DimensionProto: {
          fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } },
        },
      },
    },
  },
});

const ModelProto = ONNX_SUBSET.lookupType('onnx.ModelProto');

/** ONNX TensorProto.DataType values. */
export const OnnxType = { float: 1, int32: 6, int64: 7 } as const;
export type OnnxElemType = keyof typeof OnnxType;

/** ONNX AttributeProto.AttributeType values. */
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

/** A dimension: a size, or a name for a symbolic (dynamic) one such as the batch. */
export type Dim = number | string;
export type AttributeValue = number | { int: number } | number[] | { ints: number[] };

function attribute(name: string, value: AttributeValue) {
  if (Array.isArray(value)) return { name, type: ATTR_FLOATS, floats: value };
  if (typeof value === 'number') return { name, type: ATTR_FLOAT, f: value };
  if ('ints' in value) return { name, type: ATTR_INTS, ints: value.ints };
  return { name, type: ATTR_INT, i: value.int };
}

function valueInfo(name: string, elemType: OnnxElemType, dims: Dim[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: OnnxType[elemType],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function rawBytes(data: Float32Array | BigInt64Array | Int32Array): Buffer {
  // ONNX raw_data is little-endian; typed arrays use the host order, so swap on big-endian hosts.
  const copy = Buffer.from(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  if (endianness() === 'LE') return copy;
  if (data.BYTES_PER_ELEMENT === 8) copy.swap64();
  else copy.swap32();
  return copy;
}

/** Builds one ONNX graph: inputs, outputs, constant tensors and nodes, in execution order. */
export class OnnxGraphBuilder {
  private readonly nodes: object[] = [];
  private readonly initializers: object[] = [];
  private readonly inputs: object[] = [];
  private readonly outputs: object[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(
    private readonly name: string,
    private readonly opset = 17,
  ) {}

  input(name: string, elemType: OnnxElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    this.names.add(name);
    return name;
  }

  output(name: string, elemType: OnnxElemType, dims: Dim[]): void {
    if (!this.names.has(name)) throw new Error(`graph output "${name}" is not produced by any node`);
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** A float32 constant. */
  constant(data: Float32Array | number[], dims: number[], name = this.fresh('w')): string {
    return this.tensor(name, 'float', Float32Array.from(data), dims);
  }

  /** An int64 constant (shapes, axes, indices). */
  int64(values: number[], dims: number[] = [values.length], name = this.fresh('i')): string {
    return this.tensor(name, 'int64', BigInt64Array.from(values.map((v) => BigInt(v))), dims);
  }

  private tensor(
    name: string,
    elemType: OnnxElemType,
    data: Float32Array | BigInt64Array,
    dims: number[],
  ): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected) {
      throw new Error(
        `constant "${name}" has ${data.length} values, its shape [${dims.join(', ')}] needs ${expected}`,
      );
    }
    this.initializers.push({ name, dataType: OnnxType[elemType], dims, rawData: rawBytes(data) });
    this.names.add(name);
    return name;
  }

  /** Adds a node with one output; returns its name. */
  node(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.nodeOutputs(opType, inputs, attributes, 1)[0]!;
  }

  /** Adds a node with `count` outputs (Split …); returns their names. */
  nodeOutputs(
    opType: string,
    inputs: string[],
    attributes: Record<string, AttributeValue>,
    count: number,
  ): string[] {
    for (const input of inputs) {
      if (input !== '' && !this.names.has(input))
        throw new Error(`${opType} reads "${input}", which nothing defines`);
    }
    const names = Array.from({ length: count }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      name: names[0],
      opType,
      input: inputs,
      output: names,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    for (const n of names) this.names.add(n);
    return names;
  }

  /** Gives the value `from` the graph-level name `to` (graph outputs need their contract names). */
  rename(from: string, to: string): string {
    return this.nodeNamed('Identity', [from], to);
  }

  private nodeNamed(opType: string, inputs: string[], output: string): string {
    this.nodes.push({ name: output, opType, input: inputs, output: [output], attribute: [] });
    this.names.add(output);
    return output;
  }

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** The serialised ModelProto. */
  toBuffer(): Buffer {
    const model = ModelProto.fromObject({
      irVersion: 8,
      producerName: 'orion-synthetic',
      producerVersion: '1',
      opsetImport: [{ domain: '', version: this.opset }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return Buffer.from(ModelProto.encode(model).finish());
  }
}
