package dev.datapunk.mesh.processor.model;

import com.squareup.javapoet.ClassName;
import java.util.Comparator;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * One valid {@code @MeshStage} class.
 *
 * @param element the class
 * @param type its name
 * @param order its {@code order}
 * @param services the {@code @MeshService} classes it is for; every service when empty
 */
public record StageModel(TypeElement element, ClassName type, int order, List<ClassName> services) {

  /** The order of user stages, outermost first: by {@code order}, then by qualified name. */
  public static final Comparator<StageModel> CHAIN_ORDER =
      Comparator.comparingInt(StageModel::order)
          .thenComparing(stage -> stage.type().canonicalName());

  public StageModel {
    services = List.copyOf(services);
  }
}
