"""Small all-conv net with batch norm. Training accuracy is fine but evaluation accuracy is terrible."""
from tensorflow import keras
from tensorflow.keras import layers

# same settings as the TF1 version of this model (decay=0.999)
BN_MOMENTUM = 0.999


def conv_bn_relu(x, filters):
    x = layers.Conv2D(filters, 3, strides=2, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM)(x)
    return layers.Activation("relu")(x)


def build_model():
    keras.utils.set_random_seed(7)
    inputs = keras.Input(shape=(28, 28, 1))
    x = conv_bn_relu(inputs, 16)
    x = conv_bn_relu(x, 32)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
