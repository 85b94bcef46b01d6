// Initialise GOV.UK Frontend without any inline script, so the site can use a
// Content-Security-Policy without 'unsafe-inline' (script-src 'self' is enough).
//
// Module scripts only run in browsers that support ES modules, which is exactly
// the "govuk-frontend-supported" test the GOV.UK page template does inline
// ('noModule' in HTMLScriptElement.prototype). Modules are deferred, so
// document.body exists here.
//
// The GOV.UK Frontend module is imported from the URL of the
// <script type="module" data-govuk-frontend src="{% static ... %}"> tag in
// base.html rather than from a hard-coded relative path. With a hashing
// storage (WhiteNoise CompressedManifestStaticFilesStorage) that tag's src is
// the hashed file name, so the browser loads and evaluates ONE module instance
// and the cache-busting name is respected. Falls back to the unhashed path.

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

const script = document.querySelector('script[data-govuk-frontend]')
const src = script ? script.src : new URL('../dist/govuk/govuk-frontend.min.js', import.meta.url).href

import(src)
  .then(({ initAll }) => initAll())
  .catch((error) => console.error('GOV.UK Frontend failed to initialise', error))
