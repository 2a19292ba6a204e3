// RFC 8176 §2: "pwd", password-based authentication: what an html-form login establishes.
export const htmlFormAmr = ['pwd'] as const;
