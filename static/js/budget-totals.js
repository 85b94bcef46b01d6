// Live totals for the budget grid (progressive enhancement: the server computes
// the same totals whenever the form is sent, so nothing depends on this).

const MULTIPLIERS = { '': 1, m: 1e6 }
const MONEY = /^£?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(m)?$/i

function pence (text) {
  const match = MONEY.exec(String(text).trim())
  if (!match) return null
  const pounds = parseFloat(match[1].replace(/,/g, '')) * MULTIPLIERS[(match[2] || '').toLowerCase()]
  return Math.round(pounds * 100)
}

function money (value) {
  const pounds = Math.floor(value / 100)
  const rest = value % 100
  const text = '£' + pounds.toLocaleString('en-GB')
  return rest ? `${text}.${String(rest).padStart(2, '0')}` : text
}

function recalculate (grid) {
  const rows = Array.from(grid.querySelectorAll('[data-budget-row]'))
  const columns = []
  for (const row of rows) {
    const cells = Array.from(row.querySelectorAll('.dr-budget-cell'))
    let rowTotal = 0
    cells.forEach((cell, index) => {
      const value = pence(cell.value) || 0
      rowTotal += value
      columns[index] = (columns[index] || 0) + value
    })
    const output = row.querySelector('[data-row-total]')
    if (output) output.value = money(rowTotal)
  }
  grid.querySelectorAll('[data-column-total]').forEach((output, index) => {
    output.value = money(columns[index] || 0)
  })
  const grand = grid.querySelector('[data-grand-total]')
  if (grand) grand.value = money(columns.reduce((sum, value) => sum + (value || 0), 0))
}

for (const grid of document.querySelectorAll('[data-budget-grid]')) {
  grid.addEventListener('input', () => recalculate(grid))
}
