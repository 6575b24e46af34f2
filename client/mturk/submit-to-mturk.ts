/**
 * Hands a finished assignment back to MTurk: a real form post from the document MTurk framed, which navigates the
 * frame to MTurk (a fetch would not end the assignment). Built with DOM calls because the CSP allows no inline script.
 */
export function submitToMturk(turkSubmitTo: string, fields: Record<string, string>): void {
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = `${turkSubmitTo}/mturk/externalSubmit`;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}
