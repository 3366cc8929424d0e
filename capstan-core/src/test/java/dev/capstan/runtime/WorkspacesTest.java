package dev.capstan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkspacesTest {

  @Test
  void the_first_generation_uses_the_plain_branch_and_later_ones_a_suffix() {
    assertThat(Workspaces.branchFor(42, 1)).isEqualTo("capstan/task-42");
    assertThat(Workspaces.branchFor(42, 3)).isEqualTo("capstan/task-42-3");
    assertThat(Workspaces.workspaceNameOf("capstan/task-42-3")).contains("task-42-3");
  }

  @Test
  void only_capstan_branches_map_to_workspace_names() {
    assertThat(Workspaces.workspaceNameOf("main")).isEmpty();
    assertThat(Workspaces.workspaceNameOf("capstan/task-0")).isEmpty();
    assertThat(Workspaces.workspaceNameOf("capstan/task-4/../x")).isEmpty();
    assertThat(Workspaces.taskIdOf("task-42-3")).contains(42L);
    assertThat(Workspaces.taskIdOf("notes")).isEmpty();
  }
}
