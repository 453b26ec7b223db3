import { runModelConformance } from "./testing/conformance.ts";
import { FaultInjectionModel } from "./fault_injection_model.ts";
import { BusyLoopModel, ConstantAnswerModel } from "./simple_models.ts";

const question = () => [{ type: "text" as const, value: "Question: which letter?\nA. a\nB. b" }];

runModelConformance({
  name: "ConstantAnswer",
  create: () => Promise.resolve(new ConstantAnswerModel()),
  message: question,
  skip: [
    { test: "failure", reason: "it answers without reading the prompt: nothing can fail" },
    { test: "dispose", reason: "it holds nothing to release" },
    {
      test: "signal",
      reason: "it answers at once: the loop checks the signal between samples, not inside",
    },
  ],
});

runModelConformance({
  name: "BusyLoop",
  create: () => Promise.resolve(new BusyLoopModel(1000)),
  message: question,
  skip: [
    { test: "failure", reason: "it hashes any prompt into a letter: nothing can fail" },
    { test: "dispose", reason: "it holds nothing to release" },
    {
      test: "signal",
      reason: "it answers at once: the loop checks the signal between samples, not inside",
    },
  ],
});

runModelConformance({
  name: "FaultInjection",
  create: () =>
    Promise.resolve(
      new FaultInjectionModel(new ConstantAnswerModel(), { failOn: ["broken"], failTimes: 1 }),
    ),
  message: question,
  failure: {
    create: () =>
      Promise.resolve(new FaultInjectionModel(new ConstantAnswerModel(), { failOn: ["0"] })),
  },
  skip: [
    { test: "dispose", reason: "it wraps ConstantAnswer, which holds nothing to release" },
    { test: "signal", reason: "it wraps ConstantAnswer, which answers at once" },
  ],
});
