// Warn before leaving a page whose form has unsaved changes.
//
// Progressive enhancement: add data-warn-unsaved to a <form>. Its values are
// recorded when the page loads; while any such form differs from them, leaving
// the page (link, back button, closing the tab) asks the browser to confirm.
// Submitting the form is not "leaving": it clears the warning.
//
// data-warn-unsaved="dirty" makes the form start as changed, e.g. when the
// server shows it again after a failed POST with what the user typed:
//   <form method="post" novalidate data-warn-unsaved{% if form.is_bound %}="dirty"{% endif %}>
//
// The beforeunload listener is only attached while something is unsaved, so
// pages stay eligible for the back/forward cache.

const forms = Array.from(document.querySelectorAll('form[data-warn-unsaved]'))

function serialise (form) {
  const entries = []
  for (const [name, value] of new FormData(form)) {
    entries.push([name, typeof value === 'string' ? value : `${value.name}:${value.size}`])
  }
  return JSON.stringify(entries)
}

const states = new Map(
  forms.map((form) => [form, {
    initial: serialise(form),
    startsDirty: form.dataset.warnUnsaved === 'dirty',
    dirty: form.dataset.warnUnsaved === 'dirty',
    submitting: false
  }])
)

function onBeforeUnload (event) {
  event.preventDefault()
  event.returnValue = ''
}

let listening = false

function update () {
  const unsaved = forms.some((form) => {
    const state = states.get(form)
    return state.dirty && !state.submitting
  })
  if (unsaved && !listening) {
    window.addEventListener('beforeunload', onBeforeUnload)
    listening = true
  } else if (!unsaved && listening) {
    window.removeEventListener('beforeunload', onBeforeUnload)
    listening = false
  }
}

for (const form of forms) {
  const state = states.get(form)
  const check = () => {
    state.dirty = state.startsDirty || serialise(form) !== state.initial
    update()
  }
  form.addEventListener('input', check)
  form.addEventListener('change', check)
  form.addEventListener('submit', (event) => {
    // Another handler may have cancelled the submission: then keep warning.
    window.setTimeout(() => {
      state.submitting = !event.defaultPrevented
      update()
    })
    state.submitting = true
    update()
  })
}

// Coming back to a submitted page from the back/forward cache: watch again.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) {
    for (const state of states.values()) state.submitting = false
    update()
  }
})

update()
