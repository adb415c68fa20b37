import params from './params.v2.json' with { type: 'json' };
import { assertParamsMatch, type LabelCheckParams } from './label-check.js';

/**
 * The label check's fitted parameters (params.v2.json, refit by `npm run fit:labels`), checked
 * against the features this code computes. A JSON import, so the file travels with the module from
 * source and from a build; checked on use rather than on import, so that the refit script can load
 * this package while the file is stale.
 */
export function labelCheckParams(): LabelCheckParams {
  assertParamsMatch(params);
  return params;
}
