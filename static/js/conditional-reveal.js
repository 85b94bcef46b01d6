// GOV.UK conditional reveal for radios, without aria-expanded.
//
// GOV.UK Frontend's Radios module sets aria-expanded on each radio that reveals
// something. ARIA does not allow aria-expanded on a radio, so axe reports it
// (aria-allowed-attr; a known GOV.UK Frontend issue, alphagov/govuk-frontend#979),
// and every page of this service must pass axe. So the same markup and classes
// are used, but the radio names its block with data-reveal and this script shows
// the block while the radio is checked. It sets no aria-controls either: GOV.UK's
// module adds aria-expanded to any radio that has one.
//
// Without JavaScript (or before this runs) nothing is hidden: the
// govuk-radios__conditional--hidden class only hides under .govuk-frontend-supported.
// The revealed block sits straight after its radio, so it is read in order.

const reveals = []
for (const input of document.querySelectorAll('input[type="radio"][data-reveal]')) {
  const target = document.getElementById(input.dataset.reveal)
  if (target && target.classList.contains('govuk-radios__conditional')) {
    reveals.push([input, target])
  }
}

function sync () {
  for (const [input, target] of reveals) {
    target.classList.toggle('govuk-radios__conditional--hidden', !input.checked)
  }
}

if (reveals.length) {
  sync()
  document.addEventListener('change', (event) => {
    if (event.target instanceof HTMLInputElement && event.target.type === 'radio') sync()
  })
  // Coming back with the browser's Back button restores the checked radio.
  window.addEventListener('pageshow', sync)
}
