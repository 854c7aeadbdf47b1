"""nn: modules, losses, optimizers, datasets and a training loop on top of autograd_lite."""
