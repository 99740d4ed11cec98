/* The enclave the compartment tests attack: compartment "vault" holds a signing key that only
   its gate vault_sign() uses. Shared with the attack programs and their benign twin. */
#pragma once

/* Signs len words of msg (shared memory) with the vault's key. */
long vault_sign(const long* msg, int len);
/* Private to the vault: outside code reaching it is an attack. */
long vault_raw_key(void);

/* Shared state the vault uses: the count of signatures made, kept by a shared helper the vault
   calls out to (a compartment may call shared code and be returned to). */
extern long signatures_made;
void count_signature(void);
