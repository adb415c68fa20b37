import { Type } from 'typebox';

export const Health = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });
export const Ready = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
    checks: Type.Object(
      { redis: Type.Boolean(), storage: Type.Boolean(), eventLoop: Type.Boolean() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
