// Signing takes a few seconds (time stamp, revocation data): say so, and keep the button from
// being pressed twice. The forms work without this script.
document.querySelectorAll("form[data-progress]").forEach((form) => {
  form.addEventListener("submit", () => {
    const status = form.querySelector(".mc-progress");
    if (status) status.textContent = form.dataset.progress;
    form.querySelectorAll("button[type=submit]").forEach((button) => {
      button.disabled = true;
    });
  });
});
