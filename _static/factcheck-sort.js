// Sorting for the scorecard table (progressive enhancement: the table is complete and in
// severity order without this script). A heading's button sorts by its column; a second press
// reverses the order. Cells may carry data-sort with the value to sort by.
document.addEventListener("DOMContentLoaded", () => {
  const table = document.getElementById("scorecard-table");
  if (!table) return;
  const body = table.tBodies[0];
  table.querySelectorAll("th button").forEach((button) => {
    button.addEventListener("click", () => {
      const column = Number(button.dataset.column);
      const th = button.closest("th");
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const key = (row) => {
        const cell = row.cells[column];
        return cell.dataset.sort || cell.textContent.trim().toLowerCase();
      };
      const rows = [...body.rows].sort((a, b) => key(a).localeCompare(key(b), "en", { numeric: true }));
      if (!ascending) rows.reverse();
      rows.forEach((row) => body.appendChild(row));
    });
  });
});
