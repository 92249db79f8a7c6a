/** The encryption module's public face: what other modules, the back office and app.ts may use. */
export { encryptedColumns } from './encrypted-columns.js';
export { createFieldEncryption, type FieldEncryption } from './field-encryption.js';
export { countCiphertextsByKey, reencryptColumns } from './key-rotation.service.js';
