package dev.bulwark.jwt;

class InMemoryTokenStoreTest extends TokenStoreContract {
    private final InMemoryTokenStore store = new InMemoryTokenStore();

    @Override
    TokenStore store() {
        return store;
    }
}
