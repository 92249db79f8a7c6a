import { AppError } from '../../kernel/errors.js';

const mb = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export const mediaNotFound = (): AppError => new AppError('MEDIA_NOT_FOUND', 'not_found', 'No such image.');

export const mediaUnsupportedType = (): AppError =>
  new AppError('MEDIA_UNSUPPORTED_TYPE', 'unsupported_type', 'Upload a JPEG, PNG, WebP or AVIF image. The file’s content is none of these.');

export const mediaTooLarge = (maxBytes: number): AppError =>
  new AppError('MEDIA_TOO_LARGE', 'too_large', `The file is larger than ${mb(maxBytes)}. Upload a smaller image.`, { maxBytes });

export const mediaUndecodable = (type: string): AppError =>
  new AppError('MEDIA_UNDECODABLE', 'unprocessable', `The file starts like a ${type} image but is not a valid one, so it cannot be used.`);

export const mediaTooManyPixels = (maxPixels: number): AppError =>
  new AppError('MEDIA_TOO_MANY_PIXELS', 'unprocessable', `The image has more than ${Math.round(maxPixels / 1_000_000)} megapixels. Upload a smaller image.`, { maxPixels });

export const mediaFileRequired = (): AppError => new AppError('MEDIA_FILE_REQUIRED', 'invalid_data', 'Choose an image file to upload.');

export const mediaBadUpload = (why: string): AppError => new AppError('MEDIA_BAD_UPLOAD', 'invalid_data', `The upload could not be read: ${why}.`);
