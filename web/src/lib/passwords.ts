/** The server's rules for a new password (crates/domain/src/validation.rs), stated before they bite. */
export const PASSWORD_RULES =
  "8 to 128 characters. Not a common password, one character or a short pattern repeated, a sequence " +
  "such as 12345678 or qwertyui, fewer than 4 different characters, or your name or e-mail address.";
