import { Type } from 'typebox';

/** Request and response shapes of the media API; bodies refuse unknown fields. */
const strict = { additionalProperties: false } as const;

/** The text fields of an upload form (the file travels in the `file` part, read by the upload scope). */
export const UploadFields = Type.Union([Type.Null(), Type.Undefined(), Type.Object({ alt: Type.Optional(Type.String({ maxLength: 250 })) }, strict)]);

export const ImageSource = Type.Object({ type: Type.String(), srcset: Type.String() });

/** An image as pages draw it: a fallback URL, its size and one responsive source per format. */
export const ImageRefSchema = Type.Object({
  url: Type.String(),
  alt: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  sources: Type.Array(ImageSource),
});

export const StoredImageSchema = Type.Object({
  key: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  widths: Type.Array(Type.Integer()),
  formats: Type.Array(Type.String()),
  image: ImageRefSchema,
});
