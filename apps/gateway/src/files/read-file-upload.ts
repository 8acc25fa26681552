import type { MultipartFile } from '@fastify/multipart';
import { ErrorCode, InvalidRequestError, SwitchyardError } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';

/** The form as read, before it is checked (`fileUploadSchema`). */
export interface FileUploadForm {
  purpose: string | undefined;
  file: { filename: string; content: Buffer } | undefined;
}

/** `purpose` is one short word; nothing else in the form needs more. */
const FIELD_BYTES = 1024;
const FIELDS = 16;

/**
 * Reads `POST /v1/files`'s form in whatever order its parts come (the openai
 * SDK sends `file` before `purpose`). Every part is read to its end, even one
 * that will be refused: a part left unread stalls the parser for good.
 */
export async function readFileUpload(request: FastifyRequest, maxFileBytes: number): Promise<FileUploadForm> {
  if (!request.isMultipart()) {
    throw new InvalidRequestError("Upload files as multipart/form-data with the fields 'purpose' and 'file'.", { code: ErrorCode.UnsupportedMediaType });
  }
  const upload: FileUploadForm = { purpose: undefined, file: undefined };
  let strayFile: string | undefined;
  try {
    const parts = request.parts({ limits: { fileSize: maxFileBytes, files: 1, fields: FIELDS, fieldSize: FIELD_BYTES, parts: FIELDS + 1 } });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.fieldname === 'purpose') upload.purpose = typeof part.value === 'string' ? part.value : '';
      } else if (part.fieldname === 'file') {
        upload.file = { filename: part.filename, content: await part.toBuffer() };
      } else {
        strayFile ??= part.fieldname;
        await discard(part);
      }
    }
  } catch (error) {
    throw uploadError(error, maxFileBytes);
  }
  if (strayFile !== undefined) throw new InvalidRequestError(`Unexpected file part '${strayFile}'; send the file as the part named 'file'.`, { param: 'file' });
  return upload;
}

async function discard(part: MultipartFile): Promise<void> {
  for await (const _ of part.file) {
    // Read and dropped.
  }
}

/** Anything the parser throws is about the body the caller sent: a 4xx, never a 500. */
function uploadError(error: unknown, maxFileBytes: number): SwitchyardError {
  if (SwitchyardError.isInstance(error)) return error;
  switch ((error as { code?: unknown } | null)?.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new InvalidRequestError(`The file is larger than the ${maxFileBytes} bytes allowed.`, {
        code: ErrorCode.PayloadTooLarge,
        param: 'file',
        cause: error,
      });
    case 'FST_FILES_LIMIT':
      return new InvalidRequestError('Send one file per request.', { param: 'file', cause: error });
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new InvalidRequestError("The form has too many parts; send 'purpose' and 'file'.", { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new InvalidRequestError(`The multipart/form-data body could not be read: ${reason}.`, { cause: error });
}
