import { Type, type Static } from 'typebox';
import { literalUnion } from './schema-helpers.js';

/** Data set layouts of `GET /v1/videos/{id}/flags/export` (docs/api.md, "Flag export"). */
export const FLAG_EXPORT_FORMATS = ['coco', 'yolo'] as const;
export type FlagExportFormat = (typeof FLAG_EXPORT_FORMATS)[number];
export const FLAG_EXPORT_ARCHIVES = ['zip', 'tar'] as const;
export type FlagExportArchive = (typeof FLAG_EXPORT_ARCHIVES)[number];

export const FlagExportQuery = Type.Object(
  {
    format: literalUnion(FLAG_EXPORT_FORMATS, {
      description: '`coco` (annotations.json + images/) or `yolo` (images/, labels/, data.yaml, classes.txt)',
    }),
    archive: Type.Optional(
      literalUnion(FLAG_EXPORT_ARCHIVES, { description: 'container of the data set (default zip)' }),
    ),
  },
  { additionalProperties: false },
);
export type FlagExportQuery = Static<typeof FlagExportQuery>;

export const ArchiveFile = Type.String({
  description: 'the data set: a zip (`application/zip`) or a tar (`application/x-tar`), streamed',
  contentMediaType: 'application/zip',
});

/** One exported crop in the archive's `flags.json`: where it came from and why it is labelled so. */
export interface FlagExportItem {
  observation: string;
  file: string;
  detectorClass: string;
  /** The label in the data set; null for a crop judged to hold no object (an image without boxes). */
  label: string | null;
  reasons: string[];
  t: number;
  entity: string | null;
}
