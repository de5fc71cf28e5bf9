/** The server's rules for a new password (crates/domain/src/validation.rs), stated before they bite. */
export const PASSWORD_RULES =
  "At least 8 characters. Not a common password, one character repeated, a sequence such as 12345678 or qwertyui, or your name or e-mail address.";
