import { z } from 'zod';
import { listLimitSchema } from './query-parameters';

/** What callers may upload; the gateway stores other purposes of its own (`batch_output`). */
export const FILE_UPLOAD_PURPOSES = ['batch'] as const;
const MAX_FILENAME_LENGTH = 255;

const filePurposeSchema = z.enum(FILE_UPLOAD_PURPOSES, {
  error: (issue) => (issue.input === undefined ? "Missing required field 'purpose'." : `purpose must be one of: ${FILE_UPLOAD_PURPOSES.join(', ')}.`),
});

/**
 * `POST /v1/files`'s multipart form, once read: the `purpose` field and the
 * `file` part. Whether the content suits the purpose is checked after this.
 */
export const fileUploadSchema = z.object({
  purpose: filePurposeSchema,
  file: z
    .object({ filename: z.string(), content: z.custom<Buffer>((value) => Buffer.isBuffer(value)) }, { error: "Missing required file part 'file'." })
    // PostgreSQL text cannot hold NUL, and no real file name has one.
    .refine((file) => !file.filename.includes('\u0000'), { error: 'The filename must not contain NUL characters.' })
    .refine((file) => file.filename.length <= MAX_FILENAME_LENGTH, { error: `The filename is longer than ${MAX_FILENAME_LENGTH} characters.` }),
});

export type FileUpload = z.infer<typeof fileUploadSchema>;

/** The multipart form as a client sends it, for the API's description. */
export const fileUploadFormSchema = z.object({
  file: z.string().meta({ contentMediaType: 'application/octet-stream' }),
  purpose: filePurposeSchema,
});

/** `GET /v1/files`. */
export const fileListQuerySchema = z.object({
  limit: listLimitSchema(10_000, 10_000),
  purpose: z.string({ error: 'purpose must be given once, as a string.' }).optional().describe('Only files of this purpose.'),
  after: z.string({ error: 'after must be given once, as a string.' }).optional().describe("A previous page's `last_id`."),
  order: z.enum(['asc', 'desc'], { error: "order must be 'asc' or 'desc'." }).optional().describe('asc or desc (by creation).'),
});

export type FileListQuery = z.infer<typeof fileListQuerySchema>;

/** OpenAI's File object, as `files.create`, `files.retrieve` and `files.list` answer it. */
export const fileSchema = z.object({
  id: z.string(),
  object: z.literal('file'),
  bytes: z.number().int(),
  created_at: z.number().int().describe('Unix seconds.'),
  filename: z.string(),
  purpose: z.string(),
  status: z.literal('processed').describe('Always `processed`: a file is checked before it is stored, so there is no later processing to wait for.'),
});

export type FileObject = z.infer<typeof fileSchema>;

export const fileListSchema = z.object({
  object: z.literal('list'),
  data: z.array(fileSchema),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});

export type FileList = z.infer<typeof fileListSchema>;

/** `DELETE /v1/files/{id}`. */
export const deletedFileSchema = z.object({ id: z.string(), object: z.literal('file'), deleted: z.literal(true) });

export type DeletedFile = z.infer<typeof deletedFileSchema>;
