package dev.cacheserver.adapters.storage;

import java.util.List;

/** The storages of a group in configuration order; the other parts of the group refer to one by its index. */
final class GroupMembers {
    private final List<StorageGroupNarStore.Member> members;

    GroupMembers(List<StorageGroupNarStore.Member> members) {
        this.members = List.copyOf(members);
    }

    StorageGroupNarStore.Member get(int index) {
        return members.get(index);
    }

    String name(int index) {
        return members.get(index).name();
    }

    int size() {
        return members.size();
    }

    List<StorageGroupNarStore.Member> all() {
        return members;
    }

    /** The index of the storage called {@code storage}, or -1 when the group has none of that name. */
    int indexOf(String storage) {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).name().equals(storage)) {
                return i;
            }
        }
        return -1;
    }
}
