// The product page's variant picker, enhanced (src/modules/catalog/pages/product-page.tsx). Without this
// file the picker is a GET form: the server renders the chosen variant's price, stock, SKU and image. With
// it, a change updates them in place and puts the choice in the URL (history.replaceState), so the page
// can be shared or reloaded as it is. It reads the variants from the form's data-* attributes (JSON the
// server wrote, attribute-escaped): no inline script, as the CSP requires. Plain JavaScript, no build step.
/* global document, history, location, CSS */
(function () {
  'use strict';

  var form = document.querySelector('[data-variant-picker]');
  if (!form) return;

  var optionNames = JSON.parse(form.getAttribute('data-options') || '[]');
  var variants = JSON.parse(form.getAttribute('data-variants') || '[]');
  var images = JSON.parse(form.getAttribute('data-images') || '[]');

  function one(selector) {
    return document.querySelector(selector);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** The value checked in each fieldset, by option name. */
  function selection() {
    var selected = {};
    optionNames.forEach(function (name) {
      var checked = form.querySelector('input[type="radio"][name="' + CSS.escape(name) + '"]:checked');
      if (checked) selected[name] = checked.value;
    });
    return selected;
  }

  function matches(variant, wanted) {
    return optionNames.every(function (name) {
      return wanted[name] === undefined || variant.options[name] === wanted[name];
    });
  }

  function find(wanted) {
    for (var i = 0; i < variants.length; i++) if (matches(variants[i], wanted)) return variants[i];
    return undefined;
  }

  /** The same price markup as the server's Price component: hidden words say which price is which. */
  function renderPrice(variant) {
    var price = element('p', 'price');
    if (variant.compareAt) {
      price.appendChild(element('span', 'visually-hidden', 'Sale price'));
      price.appendChild(element('span', 'price__current price__current--sale', variant.price));
      price.appendChild(element('span', 'visually-hidden', 'Regular price'));
      price.appendChild(element('s', 'price__compare', variant.compareAt));
    } else {
      price.appendChild(element('span', 'visually-hidden', 'Price'));
      price.appendChild(element('span', 'price__current', variant.price));
    }
    return price;
  }

  /** Swaps the main image, its responsive sources too when it sits in a <picture>. */
  function showImage(index) {
    var image = images[index];
    var frame = one('[data-gallery-main]');
    if (!image || !frame) return;
    var img = frame.querySelector('img');
    if (!img || img.getAttribute('src') === image.url) return;
    var sources = frame.querySelectorAll('source');
    for (var i = 0; i < sources.length; i++) {
      var match = (image.sources || []).filter(function (s) {
        return s.type === sources[i].type;
      })[0];
      sources[i].srcset = match ? match.srcset : image.url;
    }
    if (img.hasAttribute('srcset')) img.removeAttribute('srcset');
    img.src = image.url;
    img.alt = image.alt;
    img.width = image.width;
    img.height = image.height;
    var thumbs = document.querySelectorAll('[data-image-index]');
    for (var t = 0; t < thumbs.length; t++) {
      if (Number(thumbs[t].getAttribute('data-image-index')) === index) thumbs[t].setAttribute('aria-current', 'true');
      else thumbs[t].removeAttribute('aria-current');
    }
  }

  /** Marks each value as the server does: for sale, sold out, or not made with the other choices. */
  function markValues(selected) {
    optionNames.forEach(function (name) {
      var inputs = form.querySelectorAll('input[type="radio"][name="' + CSS.escape(name) + '"]');
      for (var i = 0; i < inputs.length; i++) {
        var wanted = Object.assign({}, selected);
        wanted[name] = inputs[i].value;
        var found = variants.filter(function (v) {
          return matches(v, wanted);
        });
        var state = found.length === 0 ? 'unavailable' : found.some(function (v) {
            return v.forSale;
          }) ? 'available' : 'sold_out';
        var label = form.querySelector('label[for="' + inputs[i].id + '"]');
        if (!label) continue;
        label.setAttribute('data-state', state);
        label.classList.toggle('pill__label--out', state !== 'available');
        var words = label.querySelector('[data-state-text]');
        if (words) words.textContent = state === 'sold_out' ? ', sold out' : state === 'unavailable' ? ', unavailable' : '';
      }
      var chosen = form.querySelector('fieldset input[name="' + CSS.escape(name) + '"]');
      var shown = chosen && chosen.closest('fieldset').querySelector('[data-chosen-value]');
      if (shown) shown.textContent = selected[name] || '';
    });
  }

  /** The page's URL for this selection: option values in option order; the image follows the variant. */
  function urlFor(selected) {
    var query = new URLSearchParams();
    optionNames.forEach(function (name) {
      if (selected[name] !== undefined) query.append(name, selected[name]);
    });
    var search = query.toString();
    return location.pathname + (search ? '?' + search : '') + location.hash;
  }

  function update() {
    var selected = selection();
    var variant = find(selected);
    var stock = one('[data-variant-stock]');
    var note = one('[data-variant-note]');
    if (note) note.hidden = true;
    markValues(selected);
    if (variant) {
      var price = one('[data-variant-price]');
      var saving = one('[data-variant-saving]');
      if (price) price.replaceChild(renderPrice(variant), price.querySelector('.price'));
      if (saving) {
        saving.textContent = variant.saving || '';
        saving.hidden = !variant.saving;
      }
      if (stock) {
        stock.textContent = variant.stock;
        stock.className = variant.stockClass;
      }
      var sku = one('[data-variant-sku]');
      if (sku) sku.textContent = variant.sku;
      if (variant.image !== null) showImage(variant.image);
    } else if (stock) {
      stock.textContent = 'Not available in this combination';
      stock.className = 'stock-line stock-line--out';
    }
    var thumbs = document.querySelectorAll('[data-image-index]');
    for (var t = 0; t < thumbs.length; t++) {
      var query = new URLSearchParams(urlFor(selected).split('?')[1] || '');
      query.set('image', String(Number(thumbs[t].getAttribute('data-image-index')) + 1));
      thumbs[t].setAttribute('href', location.pathname + '?' + query.toString());
    }
    history.replaceState(history.state, '', urlFor(selected));
    var announce = one('[data-variant-announce]');
    if (announce) announce.textContent = variant ? variant.title + ': ' + variant.price + ', ' + variant.stock : 'Not available in this combination';
    // The purchase form (add-to-cart.js) follows the choice.
    form.dispatchEvent(new CustomEvent('variant-change', { bubbles: true, detail: variant ? { id: variant.id, forSale: variant.forSale } : null }));
  }

  // The form still submits (Enter on a radio) and then simply reloads the same choice from the server.
  var submit = form.querySelector('[data-picker-submit]');
  if (submit) submit.hidden = true;
  form.addEventListener('change', update);
})();
