import { AppError } from '../../kernel/errors.js';

export const productImageNotFound = (): AppError => new AppError('CATALOG_IMAGE_NOT_FOUND', 'not_found', 'This product has no such image.');

export const tooManyProductImages = (max: number): AppError =>
  new AppError('CATALOG_TOO_MANY_IMAGES', 'conflict', `A product can have at most ${max} images. Remove one before adding another.`, { max });

export const productImageAltInvalid = (max: number): AppError =>
  new AppError('CATALOG_IMAGE_ALT_INVALID', 'invalid_data', `Describe the image in 1 to ${max} characters, for people who cannot see it.`, { max });
