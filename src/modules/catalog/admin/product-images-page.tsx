import { AdminLayout, type AdminContext } from '../../../backoffice/index.js';
import { CsrfField } from '../../../web/forms/csrf-field.js';
import { Notice, PostForm, type FormError } from '../../../web/forms/fields.js';
import { Picture } from '../../media/index.js';
import { maxAltLength, maxImagesPerProduct, type ProductImages, type ProductImageView } from '../catalog.images.service.js';

export interface ProductImagesPageProps {
  ctx: AdminContext;
  data: ProductImages;
  /** MEDIA_MAX_BYTES, for the upload hint. */
  maxBytes: number;
  notice?: string | undefined;
  errors?: FormError[];
  /** The alt text typed with a refused upload, kept for the next try. */
  uploadAlt?: string;
  /** The image whose alt-text form was refused, and what was typed. */
  altEdit?: { imageId: string; alt: string };
}

const megabytes = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
const base = (productId: string): string => `/admin/products/${productId}/images`;

/**
 * A product's images: an upload form (a plain multipart POST, no script needed), then the gallery in
 * order, each image with its alt text, move up and down, and removal behind a confirmation page.
 */
export function ProductImagesPage(props: ProductImagesPageProps) {
  const { ctx, data } = props;
  const { product, images } = data;
  const errors = props.errors ?? [];
  const uploadError = errors.find((e) => e.field === 'file');
  const full = images.length >= maxImagesPerProduct;
  return (
    <AdminLayout ctx={ctx} title={`Images · ${product.name}`} errors={errors}>
      <div class="admin-head">
        <h1>
          Images <span class="admin-head__count tabular">{images.length}</span>
        </h1>
        <p>
          {product.name}. The first image is the main one, on the product page and in listings. <a href={`/p/${product.slug}`}>View in the shop</a>
        </p>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}

      <section class="admin-card" aria-labelledby="upload-title">
        <h2 id="upload-title">Add an image</h2>
        {full ? (
          <p>This product has {maxImagesPerProduct} images, the most it can have. Remove one to add another.</p>
        ) : (
          <form method="post" action={base(product.id)} encType="multipart/form-data" class="form">
            {/* The token comes first: the server checks it before it reads the file. */}
            <CsrfField token={ctx.csrf} />
            <div class={uploadError ? 'field field--error' : 'field'}>
              <label class="field__label" for="file">
                Image file
              </label>
              <p class="field__hint" id="file-hint">
                JPEG, PNG, WebP or AVIF, up to {megabytes(props.maxBytes)}. It is resized for every screen and its location data is removed.
              </p>
              {uploadError ? (
                <p class="field__error" id="file-error">
                  <span class="visually-hidden">Error: </span>
                  {uploadError.message}
                </p>
              ) : null}
              <input
                class="field__file"
                id="file"
                name="file"
                type="file"
                accept="image/jpeg,image/png,image/webp,image/avif"
                required
                aria-describedby={uploadError ? 'file-hint file-error' : 'file-hint'}
                {...(uploadError ? { 'aria-invalid': 'true' } : {})}
              />
            </div>
            <div class="field">
              <label class="field__label" for="alt">
                Alt text <span class="muted">(optional)</span>
              </label>
              <p class="field__hint" id="alt-hint">
                What the image shows, for people who cannot see it. Leave empty to use the product’s name.
              </p>
              <input class="field__input" id="alt" name="alt" type="text" maxLength={maxAltLength} autocomplete="off" value={props.uploadAlt ?? ''} aria-describedby="alt-hint" />
            </div>
            <button class="button" type="submit">
              Upload image
            </button>
          </form>
        )}
      </section>

      <section class="admin-section" aria-labelledby="gallery-title">
        <h2 id="gallery-title">Gallery</h2>
        {images.length === 0 ? (
          <p class="empty">No images yet. Shoppers look at the pictures first: upload the first one above.</p>
        ) : (
          <ol class="image-list">
            {images.map((image, i) => (
              <ImageRow key={image.id} ctx={ctx} productId={product.id} image={image} index={i} count={images.length} errors={errors} altEdit={props.altEdit} />
            ))}
          </ol>
        )}
      </section>
    </AdminLayout>
  );
}

function ImageRow(props: {
  ctx: AdminContext;
  productId: string;
  image: ProductImageView;
  index: number;
  count: number;
  errors: FormError[];
  altEdit: { imageId: string; alt: string } | undefined;
}) {
  const { ctx, productId, image, index, count } = props;
  const n = index + 1;
  const altId = `alt-${image.id}`;
  const altError = props.errors.find((e) => e.field === altId);
  const at = `${base(productId)}/${image.id}`;
  return (
    <li class="image-list__item">
      <div class="image-list__media">
        <Picture image={image.image} sizes="8rem" alt="" />
      </div>
      <div class="image-list__body">
        <p class="image-list__position">
          Image {n} of {count}
          {index === 0 ? <span class="badge badge--ok">Main image</span> : null}
        </p>
        <PostForm action={`${at}/alt`} csrf={ctx.csrf}>
          <div class="inline-form">
            <div class={altError ? 'field field--error' : 'field'}>
              <label class="field__label" for={altId}>
                Alt text of image {n}
              </label>
              {altError ? (
                <p class="field__error" id={`${altId}-error`}>
                  <span class="visually-hidden">Error: </span>
                  {altError.message}
                </p>
              ) : null}
              <input
                class="field__input"
                id={altId}
                name="alt"
                type="text"
                maxLength={maxAltLength}
                autocomplete="off"
                value={props.altEdit?.imageId === image.id ? props.altEdit.alt : image.alt}
                {...(altError ? { 'aria-invalid': 'true', 'aria-describedby': `${altId}-error` } : {})}
              />
            </div>
            <button class="button button--secondary" type="submit">
              Save alt text
            </button>
          </div>
        </PostForm>
        <div class="row-actions">
          {index > 0 ? (
            <PostForm action={`${at}/move`} csrf={ctx.csrf}>
              <input type="hidden" name="direction" value="up" />
              <button class="button button--secondary button--small" type="submit">
                <span>
                  Move <span class="visually-hidden">image {n} </span>up
                </span>
              </button>
            </PostForm>
          ) : null}
          {index < count - 1 ? (
            <PostForm action={`${at}/move`} csrf={ctx.csrf}>
              <input type="hidden" name="direction" value="down" />
              <button class="button button--secondary button--small" type="submit">
                <span>
                  Move <span class="visually-hidden">image {n} </span>down
                </span>
              </button>
            </PostForm>
          ) : null}
          <a class="button button--danger button--small" href={`${at}/remove`}>
            <span>
              Remove<span class="visually-hidden"> image {n}</span>
            </span>
          </a>
        </div>
      </div>
    </li>
  );
}

/** The confirmation before an image leaves the gallery. */
export function RemoveProductImagePage({ ctx, data, image }: { ctx: AdminContext; data: ProductImages; image: ProductImageView }) {
  const n = data.images.findIndex((i) => i.id === image.id) + 1;
  return (
    <AdminLayout ctx={ctx} title={`Remove image · ${data.product.name}`}>
      <div class="admin-head">
        <h1>Remove image {n} of {data.product.name}?</h1>
        <p>It leaves the product page and listings at once.{n === 1 && data.images.length > 1 ? ' The next image becomes the main one.' : ''}</p>
      </div>
      <div class="image-confirm">
        <Picture image={image.image} sizes="16rem" />
        <p class="muted">{image.alt}</p>
      </div>
      <div class="row-actions">
        <PostForm action={`${base(data.product.id)}/${image.id}/remove`} csrf={ctx.csrf}>
          <button class="button button--danger" type="submit">
            Remove image
          </button>
        </PostForm>
        <a class="button button--secondary" href={base(data.product.id)}>
          Cancel
        </a>
      </div>
    </AdminLayout>
  );
}
