// The copy button: the one thing the dashboard needs JavaScript for (the text stays selectable without it).
document.querySelectorAll("button.copy").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const text = document.getElementById(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(text.value);
    } catch (e) {
      text.select();
      document.execCommand("copy");
    }
    button.textContent = "Copied";
  });
});
