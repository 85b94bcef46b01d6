// Copies the GOV.UK Frontend runtime files the site needs into static/dist/govuk/.
// Run via `npm run build` (after the Sass step). No dependencies beyond Node.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const out = join(root, 'static', 'dist', 'govuk')

if (!existsSync(src)) {
  console.error(`govuk-frontend not found at ${src}: run "npm ci" first`)
  process.exit(1)
}

// Start from a clean folder so files removed upstream do not linger.
rmSync(out, { recursive: true, force: true })
mkdirSync(join(out, 'assets'), { recursive: true })

// Images (favicons, and govuk-crest.svg which the compiled footer CSS still
// references via .govuk-footer__copyright-logo; we never use that class, but
// the file must exist for Django's ManifestStaticFilesStorage post-processing)
// and the web app manifest. Fonts are deliberately NOT copied: GDS Transport is
// restricted to GOV.UK and the CSS does not reference it.
cpSync(join(src, 'assets', 'images'), join(out, 'assets', 'images'), { recursive: true })
cpSync(join(src, 'assets', 'manifest.json'), join(out, 'assets', 'manifest.json'))
// Rebrand assets (only shipped by some 5.x releases; absent in 6.x).
if (existsSync(join(src, 'assets', 'rebrand'))) {
  cpSync(join(src, 'assets', 'rebrand'), join(out, 'assets', 'rebrand'), { recursive: true })
}

// JavaScript (ES module) and its source map: the .min.js ends with a
// sourceMappingURL comment, which ManifestStaticFilesStorage rewrites and so
// needs the .map file to exist.
for (const file of ['govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
  cpSync(join(src, file), join(out, file))
}

console.log(`Copied GOV.UK Frontend assets to ${out}`)
